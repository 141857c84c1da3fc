package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The configuration table users read (README.md, or a page under docs/) names every setting the
 * parser knows and no other: settings are the backticked names in brackets in the rows of the
 * table headed {@code | option [setting] | default |}.
 */
class SettingsDocumentedTest {

    private static final Path PROJECT = Path.of("..");
    private static final String TABLE_HEADER = "| option [setting] |";
    private static final Pattern BRACKETS = Pattern.compile("\\[([^\\]]*)]");
    /** A setting name opens the brackets or follows a comma; values such as `form` follow a colon. */
    private static final Pattern NAME = Pattern.compile("(?:^|,\\s*)`([A-Za-z]+)`");

    @Test
    void configurationTableListsExactlyTheKnownSettings() throws IOException {
        List<String> rows = configurationRows();
        assertFalse(rows.isEmpty(), "no table headed '" + TABLE_HEADER + "' in README.md or docs/*.md");
        Set<String> documented = new TreeSet<>();
        for (String row : rows) {
            Matcher brackets = BRACKETS.matcher(row);
            while (brackets.find()) {
                Matcher name = NAME.matcher(brackets.group(1));
                while (name.find()) {
                    documented.add(name.group(1));
                }
            }
        }
        assertEquals(new TreeSet<>(VerifierSettings.NAMES), documented,
                "settings in the configuration table differ from VerifierSettings.NAMES");
    }

    @Test
    void theTableRowParserFindsNamesButNotValues() {
        Set<String> found = new LinkedHashSet<>();
        Matcher brackets = BRACKETS.matcher("| `bodyField(v, n)` [`bodyFields`: `object=filename`] and "
                + "[`uploadTokenKeys`, `expectedBuckets`] [`expectedBodyType`: `form` or `json`] | x |");
        while (brackets.find()) {
            Matcher name = NAME.matcher(brackets.group(1));
            while (name.find()) {
                found.add(name.group(1));
            }
        }
        assertEquals(Set.of("bodyFields", "uploadTokenKeys", "expectedBuckets", "expectedBodyType"), found);
    }

    private static List<String> configurationRows() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(PROJECT.resolve("README.md"));
        Path docs = PROJECT.resolve("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.list(docs)) {
                files.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().forEach(pages::add);
            }
        }
        List<String> rows = new ArrayList<>();
        for (Path page : pages) {
            if (!Files.isRegularFile(page)) {
                continue;
            }
            boolean inTable = false;
            for (String line : Files.readAllLines(page, StandardCharsets.UTF_8)) {
                if (line.startsWith(TABLE_HEADER)) {
                    inTable = true;
                } else if (inTable && line.startsWith("|")) {
                    rows.add(line);
                } else {
                    inTable = false;
                }
            }
        }
        return rows;
    }
}
