package io.github.osscallback.boot27;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/**
 * The application runs the Spring Boot, Tomcat and Jackson versions the build names (those of
 * Spring Boot 2.7's dependency management), so a version leaking in from the parent cannot pass
 * as a Spring Boot 2.7 run.
 */
class BootVersionsTest {

    @Test
    void runsTheVersionsTheBuildNames() {
        String boot = System.getProperty("expected.spring-boot.version");
        assumeTrue(boot != null, "run by Maven, which names the versions");
        assertEquals(boot, SpringBootVersion.getVersion());
        String tomcat = ServerInfo.getServerNumber();
        assertTrue(tomcat.startsWith(System.getProperty("expected.tomcat.version") + "."), "running Tomcat " + tomcat);
        assertEquals(System.getProperty("expected.jackson.version"),
                com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
        assertEquals(System.getProperty("expected.jackson.version"),
                com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString());
    }
}
