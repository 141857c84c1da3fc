package io.github.osscallback.servlet;

/** The event filter contract on embedded Tomcat 10.1. */
class TomcatEventFilterTest extends EventFilterContractTest {
    @Override
    ContainerFixture newContainer() {
        return new TomcatFixture();
    }
}
