package io.github.osscallback.servlet;

/**
 * The event filter contract on embedded Jetty 12 (and Jetty 10 in servlet-javax). Not tagged
 * {@code jetty}, so servlet-javax does not run it again on Jetty 9.4: Jetty 9.4 hands the
 * application {@code text/xml;charset=UTF-8} for the {@code text/xml;charset=utf-8} MNS signs,
 * even with its header cache off, so genuine MNS pushes fail there (docs/events.md, "Adapters").
 */
class JettyEventFilterTest extends EventFilterContractTest {
    @Override
    ContainerFixture newContainer() {
        return new JettyFixture();
    }
}
