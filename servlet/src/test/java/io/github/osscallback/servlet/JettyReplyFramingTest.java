package io.github.osscallback.servlet;

/** Reply framing on embedded Jetty 12. */
class JettyReplyFramingTest extends ReplyFramingTest {
    @Override
    ContainerFixture newContainer() {
        return new JettyFixture();
    }
}
