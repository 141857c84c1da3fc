package io.github.osscallback.servlet;

import org.junit.jupiter.api.Tag;

/** Reply framing on embedded Jetty 12. */
@Tag("jetty")
class JettyReplyFramingTest extends ReplyFramingTest {
    @Override
    ContainerFixture newContainer() {
        return new JettyFixture();
    }
}
