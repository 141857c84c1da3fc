package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;

/**
 * The servlet module runs the Tomcat contract tests on Tomcat 10.1 and again on Tomcat 11
 * (servlet/pom.xml); each run names the version it puts on the class path, and this checks that
 * it is the one that actually runs, so a class-path mistake cannot pass as a second run.
 */
class TomcatVersionTest {
    @Test
    void runsTheTomcatVersionTheBuildNames() {
        String expected = System.getProperty("expected.tomcat.version");
        assumeTrue(expected != null, "run by Maven, which names the Tomcat version");
        String running = ServerInfo.getServerNumber();
        assertTrue(running.startsWith(expected + "."),
                "running Tomcat " + running + ", the build names " + expected);
    }
}
