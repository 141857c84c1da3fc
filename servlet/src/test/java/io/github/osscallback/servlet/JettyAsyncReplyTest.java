package io.github.osscallback.servlet;

import org.junit.jupiter.api.Tag;

/** An asynchronous reply on embedded Jetty 12. */
@Tag("jetty")
class JettyAsyncReplyTest extends AsyncReplyTest {
    @Override
    ContainerFixture newContainer() {
        return new JettyFixture();
    }
}
