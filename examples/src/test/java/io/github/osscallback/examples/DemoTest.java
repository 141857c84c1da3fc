package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's first command runs this demo; it must pass on its own. */
class DemoTest {

    @Test
    void demoPassesEveryCase() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        // The demo's Jetty is configured as the README says: its mismatches must not warn about Jetty.
        boolean passed;
        List<LogRecord> logged;
        try (LogCapture.Recorder library = new LogCapture.Recorder("io.github.osscallback")) {
            passed = Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            logged = library.records();
        }
        List<LogRecord> warnings = logged.stream()
                .filter(record -> record.getLevel().intValue() >= Level.WARNING.intValue()).collect(Collectors.toList());
        String table = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(passed, table);
        assertTrue(table.contains("All 14 cases behaved as they should."), table);
        assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).collect(Collectors.toList()));
    }
}
