package io.github.osscallback.quarkus.jaxrsalone;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The application as users ship it, {@code target/quarkus-app/quarkus-run.jar}, started as its own
 * process: with oss-callback-jaxrs and no extension, Quarkus REST would run the feature's filter and
 * ignore its reader and writer, so every genuine callback would be refused; it must stop at start-up
 * instead, naming oss-callback-quarkus. Run by Failsafe after {@code package}.
 */
class JaxrsAloneIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    @Test
    void theApplicationStopsAtStartUpNamingTheExtension() throws Exception {
        assertTrue(Files.isRegularFile(JAR), JAR + " is built by the package phase");
        Path log = Files.createTempFile("quarkus-run", ".log");
        Process app = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=0", "-jar", JAR.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            // A safety net only: a failing start ends the process by itself within seconds.
            assertTrue(app.waitFor(120, TimeUnit.SECONDS), "an application that cannot verify callbacks must stop by itself");
            String output = Files.readString(log);
            assertNotEquals(0, app.exitValue(), output);
            assertTrue(output.contains("OssCallbackFeature cannot verify callbacks on Quarkus REST (RESTEasy Reactive)"),
                    output);
            assertTrue(output.contains("add io.github.osscallback:oss-callback-quarkus"), output);
            assertFalse(output.contains("Listening on:"), output);
        } finally {
            app.destroyForcibly();
            app.waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }
}
