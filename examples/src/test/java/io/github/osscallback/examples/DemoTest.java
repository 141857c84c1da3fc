package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's first command runs this demo; it must pass on its own. */
class DemoTest {

    @Test
    void demoPassesEveryCase() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        boolean passed = Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        String table = buffer.toString(StandardCharsets.UTF_8);
        assertTrue(passed, table);
        assertTrue(table.contains("All 12 cases behaved as they should."), table);
    }
}
