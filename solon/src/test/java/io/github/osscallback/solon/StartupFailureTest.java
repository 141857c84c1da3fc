package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A misconfigured application does not start: Solon ends the process when a plugin fails, so each
 * runs in a process of its own, as an operator would start it, and its output is read.
 */
class StartupFailureTest {

    /** The output of an application started with these arguments, once its process has ended. */
    static String run(String... arguments) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java",
                "-cp", System.getProperty("java.class.path"), MisconfiguredApplication.class.getName(),
                "--server.port=" + port, "--server.host=127.0.0.1"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // A safety net only: a failing start ends the process at once.
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the application neither started nor failed");
        }
        return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void aMisspeltPropertyFailsStartUpWithTheNearestSuggested() throws Exception {
        String out = run("--oss.callback.replay-window=60");
        assertTrue(out.contains("oss.callback.replay-window is not an oss-callback property (did you mean"
                + " oss.callback.replay-window-seconds?)"), out);
        assertFalse(out.contains("STARTED"), out);
    }

    @Test
    void aBadValueFailsStartUpNamingTheProperty() throws Exception {
        String out = run("--oss.callback.max-body-bytes=lots");
        assertTrue(out.contains("oss.callback.max-body-bytes"), out);
        assertFalse(out.contains("STARTED"), out);
    }
}
