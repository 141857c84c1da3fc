package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's first command runs this demo; it must pass on its own. */
class DemoTest {

    @Test
    void demoPassesEveryCase() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        // The demo's Jetty is configured as the README says: its mismatches must not warn about Jetty.
        Logger library = Logger.getLogger("io.github.osscallback");
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        library.addHandler(handler);
        boolean passed;
        try {
            passed = Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        } finally {
            library.removeHandler(handler);
        }
        String table = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(passed, table);
        assertTrue(table.contains("All 12 cases behaved as they should."), table);
        assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).collect(Collectors.toList()));
    }
}
