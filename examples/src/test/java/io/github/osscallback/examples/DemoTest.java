package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The README's first command runs this demo; it must pass on its own and print nothing but its table. */
class DemoTest {

    private static final String[] HEADER = {"request", "endpoint", "want", "got", "object / reason", "result"};

    private static String table;
    private static boolean passed;
    private static List<LogRecord> libraryRecords;
    private static List<LogRecord> printedByOthers;

    @BeforeAll
    static void runDemo() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (LogCapture.Recorder library = new LogCapture.Recorder("io.github.osscallback");
             LogCapture.Recorder everything = new LogCapture.Recorder("")) {
            passed = Demo.run(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            libraryRecords = List.copyOf(library.records());
            // What would reach the console handler (INFO and above) from anything but the library, whose
            // level Main sets: Jersey's or Jetty's stack traces printed above the table.
            printedByOthers = everything.records().stream()
                    .filter(record -> record.getLevel().intValue() >= Level.INFO.intValue())
                    .filter(record -> record.getLoggerName() == null
                            || !record.getLoggerName().startsWith("io.github.osscallback"))
                    .collect(Collectors.toList());
        }
        table = buffer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void demoPassesEveryCase() {
        assertTrue(passed, table);
        assertTrue(table.contains("All 14 cases behaved as they should."), table);
    }

    @Test
    void libraryWarnsAboutNothing() {
        // The demo's Jetty is configured as the README says: its mismatches must not warn about Jetty.
        List<LogRecord> warnings = libraryRecords.stream()
                .filter(record -> record.getLevel().intValue() >= Level.WARNING.intValue()).collect(Collectors.toList());
        assertEquals(List.of(), warnings.stream().map(LogRecord::getMessage).collect(Collectors.toList()));
    }

    @Test
    void containersTheDemoStartsLogNothing() {
        assertEquals(List.of(), printedByOthers.stream()
                .map(record -> record.getLoggerName() + ": " + record.getMessage()).collect(Collectors.toList()));
    }

    @Test
    void printsOnlyItsTable() {
        List<String> lines = table.lines().collect(Collectors.toList());
        assertEquals(18, lines.size(), table);   // header, rule, 14 rows, a blank line, the verdict
        assertTrue(lines.get(0).startsWith("request "), table);
        assertTrue(lines.get(1).matches("-+"), table);
        for (String row : lines.subList(2, 16)) {
            assertTrue(row.matches(".*(servlet|jaxrs) .* (ok|FAILED)"), row);
        }
        assertEquals("", lines.get(16));
        assertTrue(lines.get(17).startsWith("All ") || lines.get(17).contains("FAILED"), table);
    }

    @Test
    void columnsLineUpByDisplayWidth() {
        List<String> lines = table.lines().collect(Collectors.toList());
        List<Integer> starts = new ArrayList<>();
        String header = lines.get(0);
        for (String title : HEADER) {
            starts.add(header.indexOf(title));   // the header is ASCII: characters are columns
        }
        assertTrue(table.contains("\u4e0a\u4f20/\u732b.png"), "a row with wide characters is part of the check");
        for (String row : lines.subList(2, 16)) {
            String columns = columns(row);
            for (int i = 1; i < starts.size(); i++) {
                int start = starts.get(i);
                assertEquals(' ', columns.charAt(start - 1), "column " + HEADER[i] + " of: " + row);
                assertTrue(columns.charAt(start) != ' ', "column " + HEADER[i] + " of: " + row);
            }
        }
        assertEquals(width(header), width(lines.get(1)), "the rule is as wide as the header");
    }

    @Test
    void displayWidthCountsWideCharactersTwice() {
        assertEquals(1, Demo.displayWidth("a"));
        assertEquals(2, Demo.displayWidth("\u732b"));          // 猫, CJK ideograph
        assertEquals(2, Demo.displayWidth("\uac00"));          // 가, Hangul syllable
        assertEquals(2, Demo.displayWidth("\uff21"));          // Ａ, fullwidth Latin
        assertEquals(1, Demo.displayWidth("\uff61"));          // ｡, halfwidth katakana punctuation
        assertEquals(1, Demo.displayWidth("e\u0301"));         // é as e and a combining accent
        assertEquals(11, Demo.displayWidth("\u4e0a\u4f20/\u732b.png"));   // 2+2+1+2+4
    }

    /** The row as a terminal lays it out: a wide (Han) character fills two columns, the second marked '\0'. */
    private static String columns(String row) {
        StringBuilder laid = new StringBuilder();
        row.codePoints().forEach(cp -> {
            laid.appendCodePoint(Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN ? '#' : cp);
            if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) {
                laid.append('\0');
            }
        });
        return laid.toString();
    }

    private static int width(String line) {
        return columns(line).length();
    }
}
