package io.github.osscallback.servlet;

import org.junit.jupiter.api.Tag;

/** The filter contract on embedded Jetty 12. */
@Tag("jetty")
class JettyFilterTest extends FilterContractTest {
    @Override
    ContainerFixture newContainer() {
        return new JettyFixture();
    }
}
