package io.github.osscallback.servlet;

/** The filter contract on embedded Tomcat 10.1. */
class TomcatFilterTest extends FilterContractTest {
    @Override
    ContainerFixture newContainer() {
        return new TomcatFixture();
    }
}
