package io.github.osscallback.servlet;

/** An asynchronous reply on embedded Tomcat 10.1. */
class TomcatAsyncReplyTest extends AsyncReplyTest {
    @Override
    ContainerFixture newContainer() {
        return new TomcatFixture();
    }
}
