package io.github.osscallback.servlet;

/** The filter contract on embedded Jetty 12. */
class JettyFilterTest extends FilterContractTest {
    @Override
    ContainerFixture newContainer() {
        return new JettyFixture();
    }
}
