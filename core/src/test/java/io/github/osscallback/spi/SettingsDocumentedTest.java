package io.github.osscallback.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.spi.VerifierSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What users read about the settings is {@link VerifierSettings.Setting} whole: the settings table
 * of docs/configuration.md and the Spring Boot starter's configuration metadata are rendered from it
 * here and must match it exactly (names, types, defaults, descriptions). After changing a setting,
 * run this test with {@code -Dsettings.regenerate=true} to rewrite both, and review the diff. The
 * builder table (headed {@code | option [setting] | default |}) names every setting in brackets.
 */
class SettingsDocumentedTest {

    private static final Path PROJECT = Path.of("..");
    private static final Path CONFIGURATION = PROJECT.resolve("docs/configuration.md");
    private static final Path METADATA = PROJECT
            .resolve("spring-boot-starter/src/main/resources/META-INF/spring-configuration-metadata.json");
    private static final String TABLE_START = "<!-- settings table: rendered from VerifierSettings;"
            + " SettingsDocumentedTest fails when it differs and rewrites it with -Dsettings.regenerate=true -->";
    private static final String TABLE_END = "<!-- end of settings table -->";
    private static final String SOURCE_TYPE = "io.github.osscallback.spring.OssCallbackAutoConfiguration";
    private static final boolean REGENERATE = Boolean.getBoolean("settings.regenerate");
    private static final Pattern UPPER = Pattern.compile("[A-Z]");

    @Test
    void theConfigurationPagesSettingsTableIsTheSettingsTable() throws IOException {
        List<String> lines = Files.readAllLines(CONFIGURATION, StandardCharsets.UTF_8);
        int start = lines.indexOf(TABLE_START);
        int end = lines.indexOf(TABLE_END);
        assertTrue(start >= 0 && end > start, "docs/configuration.md has no block between '" + TABLE_START
                + "' and '" + TABLE_END + "'");
        List<String> expected = settingsTable();
        if (REGENERATE) {
            List<String> out = new ArrayList<>(lines.subList(0, start + 1));
            out.addAll(expected);
            out.addAll(lines.subList(end, lines.size()));
            Files.write(CONFIGURATION, out, StandardCharsets.UTF_8);
            return;
        }
        assertEquals(String.join("\n", expected), String.join("\n", lines.subList(start + 1, end)),
                "docs/configuration.md's settings table differs from VerifierSettings (-Dsettings.regenerate=true"
                + " rewrites it)");
    }

    @Test
    void theSpringMetadataDescribesEverySettingAsTheSettingsTableDoes() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode actual = json.readTree(METADATA.toFile());
        ObjectNode expected = actual.deepCopy();
        ArrayNode properties = expected.putArray("properties");
        ArrayNode hints = expected.putArray("hints");
        Set<String> settingProperties = new HashSet<>();
        for (VerifierSettings.Setting setting : VerifierSettings.Setting.values()) {
            settingProperties.add(property(setting.settingName));
        }
        // What is not a setting (paths, the Jetty opt-out) is the starter's own and stays as written.
        for (JsonNode p : actual.path("properties")) {
            if (!settingProperties.contains(p.path("name").asText())) {
                properties.add(p);
            }
        }
        for (JsonNode h : actual.path("hints")) {
            if (!settingProperties.contains(h.path("name").asText())) {
                hints.add(h);
            }
        }
        for (VerifierSettings.Setting setting : VerifierSettings.Setting.values()) {
            ObjectNode p = properties.addObject();
            p.put("name", property(setting.settingName));
            p.put("type", setting.type.javaType);
            p.put("description", inKebabCase(setting.description));
            p.put("sourceType", SOURCE_TYPE);
            if (setting.defaultValue != null) {
                // As JSON reads it (65536 an int, true a boolean), so the trees compare equal.
                p.set("defaultValue", setting.type == VerifierSettings.Type.STRING || setting.type == VerifierSettings.Type.LIST
                        ? json.getNodeFactory().textNode(setting.defaultValue) : json.readTree(setting.defaultValue));
            }
            if (!setting.values.isEmpty()) {
                ObjectNode h = hints.addObject();
                h.put("name", property(setting.settingName));
                ArrayNode values = h.putArray("values");
                setting.values.forEach(v -> values.addObject().put("value", v));
            }
        }
        if (REGENERATE) {
            Files.writeString(METADATA, json.writer(new MetadataPrinter()).writeValueAsString(expected) + "\n");
            return;
        }
        // Printed alike, so formatting does not count and a difference shows as lines.
        assertEquals(json.writer(new MetadataPrinter()).writeValueAsString(expected),
                json.writer(new MetadataPrinter()).writeValueAsString(actual), "the starter's spring-configuration-metadata.json differs from"
                + " VerifierSettings (-Dsettings.regenerate=true rewrites it)");
    }

    /** A default is a value the setting accepts, so the table never advertises one the parser refuses. */
    @Test
    void everyDefaultIsAValueItsSettingAccepts() {
        for (VerifierSettings.Setting setting : VerifierSettings.Setting.values()) {
            if (setting.defaultValue == null) {
                continue;
            }
            Map<String, String> settings = new HashMap<>();
            if (setting.settingName.startsWith("confirmWithOss")) {
                settings.put("confirmWithOssBuckets", "photos");
                settings.put("confirmWithOssRegion", "cn-hangzhou");
            }
            settings.put(setting.settingName, setting.defaultValue);
            CallbackVerifier.Builder builder = CallbackVerifier.builder();
            VerifierSettings.configure(builder, settings, Map.of("OSS_ACCESS_KEY_ID", "id", "OSS_ACCESS_KEY_SECRET", "s"));
        }
    }

    @Test
    void everyTypeMatchesTheDefault() {
        for (VerifierSettings.Setting setting : VerifierSettings.Setting.values()) {
            String d = setting.defaultValue;
            if (d == null) {
                continue;
            }
            boolean fits = setting.type == VerifierSettings.Type.BOOLEAN ? d.equals("true") || d.equals("false")
                    : setting.type == VerifierSettings.Type.INTEGER || setting.type == VerifierSettings.Type.LONG
                    ? d.matches("[1-9][0-9]*") : true;
            assertTrue(fits, setting.settingName + " default " + d + " is not a " + setting.type);
        }
    }

    /** Prints as the metadata was written by hand: {@code "name": value}, one array element a line. */
    private static final class MetadataPrinter extends DefaultPrettyPrinter {
        MetadataPrinter() {
            indentArraysWith(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new MetadataPrinter();
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }
    }

    private static List<String> settingsTable() {
        List<String> rows = new ArrayList<>();
        rows.add("| setting | type | default | description |");
        rows.add("| --- | --- | --- | --- |");
        for (VerifierSettings.Setting setting : VerifierSettings.Setting.values()) {
            String type = setting.values.isEmpty() ? setting.type.documented
                    : String.join(" or ", setting.values.stream().map(v -> "`" + v + "`").toArray(String[]::new));
            rows.add("| `" + setting.settingName + "` | " + type + " | "
                    + (setting.defaultValue == null ? "none" : "`" + setting.defaultValue + "`") + " | "
                    + setting.description + " |");
        }
        return rows;
    }

    /** The starter's property name: {@code oss.callback.} and the kebab-case form. */
    private static String property(String settingName) {
        return "oss.callback." + kebab(settingName);
    }

    private static String kebab(String settingName) {
        return UPPER.matcher(settingName).replaceAll(m -> "-" + m.group().toLowerCase(Locale.ROOT));
    }

    private static String inKebabCase(String description) {
        String out = description;
        for (String name : VerifierSettings.NAMES) {
            out = out.replaceAll("\\b" + name + "\\b", kebab(name));
        }
        return out;
    }

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
