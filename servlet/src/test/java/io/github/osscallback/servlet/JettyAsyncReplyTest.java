package io.github.osscallback.servlet;

/** An asynchronous reply on embedded Jetty 12. */
class JettyAsyncReplyTest extends AsyncReplyTest {
    @Override
    ContainerFixture newContainer() {
        return new JettyFixture();
    }
}
