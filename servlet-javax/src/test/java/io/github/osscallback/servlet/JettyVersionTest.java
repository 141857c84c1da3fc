package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.eclipse.jetty.util.Jetty;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * This module runs its Jetty tests on Jetty 10 (Servlet 4.0) and again on Jetty 9.4 with the
 * Servlet 3.1 API that Jetty 9.4 brings (servlet-javax/pom.xml); each run names the Jetty version and
 * the Servlet API it puts on the class path, and this checks that they are what actually runs.
 */
@Tag("jetty")
class JettyVersionTest {

    @Test
    void runsTheJettyAndServletApiTheBuildNames() {
        String expectedJetty = System.getProperty("expected.jetty.version");
        assumeTrue(expectedJetty != null, "run by Maven, which names the versions");
        assertEquals(expectedJetty, Jetty.VERSION);
        // HttpServletMapping is new in Servlet 4.0.
        assertEquals(System.getProperty("expected.servlet.api"), isPresent("javax.servlet.http.HttpServletMapping") ? "4.0" : "3.1");
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, JettyVersionTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
