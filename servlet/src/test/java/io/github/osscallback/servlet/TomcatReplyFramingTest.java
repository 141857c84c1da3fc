package io.github.osscallback.servlet;

/** Reply framing on embedded Tomcat 10.1. */
class TomcatReplyFramingTest extends ReplyFramingTest {
    @Override
    ContainerFixture newContainer() {
        return new TomcatFixture();
    }
}
