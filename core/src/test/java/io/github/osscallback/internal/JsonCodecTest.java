package io.github.osscallback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.internal.JsonCodec;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both ways of enforcing the JSON limits: Jackson's own {@code StreamReadConstraints} (2.15+) and
 * our parser wrapper (used before 2.15, built here on the current Jackson to show that it accepts
 * and refuses exactly the same documents at each boundary). The compat-tests modules run the
 * library on Jackson 2.13 and 2.14, where the wrapper is the only guard.
 */
class JsonCodecTest {

    static List<ObjectMapper> mappers() {
        return List.of(JsonCodec.mapper(true), JsonCodec.mapper(false));
    }

    private static String nestedObjects(int depth) {
        return "{\"a\":".repeat(depth - 1) + "{\"a\":1}" + "}".repeat(depth - 1);
    }

    private static String nestedArrays(int depth) {
        return "{\"a\":" + "[".repeat(depth - 1) + "1" + "]".repeat(depth - 1) + "}";
    }

    private static void accepts(ObjectMapper mapper, String json) throws Exception {
        assertTrue(mapper.readTree(json.getBytes(StandardCharsets.UTF_8)).isObject());
        assertTrue(mapper.readTree(json).isObject());
        assertTrue(mapper.readTree(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))).isObject());
    }

    private static void refuses(ObjectMapper mapper, String json) {
        assertThrows(JsonProcessingException.class, () -> mapper.readTree(json.getBytes(StandardCharsets.UTF_8)));
        assertThrows(JsonProcessingException.class, () -> mapper.readTree(json));
        assertThrows(JsonProcessingException.class, () -> mapper.readTree(new StringReader(json)));
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void nestingLimitIsExactlyThirtyTwoLevels(ObjectMapper mapper) throws Exception {
        accepts(mapper, nestedObjects(JsonCodec.MAX_NESTING_DEPTH));
        refuses(mapper, nestedObjects(JsonCodec.MAX_NESTING_DEPTH + 1));
        accepts(mapper, nestedArrays(JsonCodec.MAX_NESTING_DEPTH));
        refuses(mapper, nestedArrays(JsonCodec.MAX_NESTING_DEPTH + 1));
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void depthCountsOnlyOpenContainers(ObjectMapper mapper) throws Exception {
        // Many siblings at a shallow depth are not deep: closing a container gives its level back.
        String wide = "{\"a\":[" + "[[1]],".repeat(500) + "[[1]]]}";
        accepts(mapper, wide);
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void refusesHostileNestingWithoutOverflowingTheStack(ObjectMapper mapper) {
        refuses(mapper, "[".repeat(60_000));
        refuses(mapper, "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000));
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void numberLimitIsExactlySixtyFourDigits(ObjectMapper mapper) throws Exception {
        String digits = "9".repeat(JsonCodec.MAX_NUMBER_LENGTH);
        accepts(mapper, "{\"n\":" + digits + "}");
        accepts(mapper, "{\"n\":-" + digits + "}");
        refuses(mapper, "{\"n\":" + digits + "9}");
        refuses(mapper, "{\"n\":-" + digits + "9}");
        refuses(mapper, "{\"n\":[" + digits + "9]}");
        refuses(mapper, "{\"n\":" + "1".repeat(10_000) + "}");
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void fractionalNumbersCountAllTheirDigits(ObjectMapper mapper) throws Exception {
        accepts(mapper, "{\"n\":" + "1".repeat(32) + "." + "2".repeat(32) + "}");
        refuses(mapper, "{\"n\":" + "1".repeat(32) + "." + "2".repeat(33) + "}");
        refuses(mapper, "{\"n\":1." + "0".repeat(10_000) + "e5}");
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void keepsDuplicateAndTrailingTokenChecks(ObjectMapper mapper) {
        refuses(mapper, "{\"a\":1,\"a\":2}");
        refuses(mapper, "{\"a\":1} {}");
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void readsTheSameTreeEitherWay(ObjectMapper mapper) throws Exception {
        String json = "{\"bucket\":\"b\",\"size\":12,\"ratio\":1.5,\"ok\":true,\"none\":null,"
                + "\"imageInfo\":{\"height\":3,\"tags\":[\"x\",{\"y\":[]}]}}";
        JsonNode tree = mapper.readTree(json);
        assertEquals(JsonCodec.mapper(true).readTree(json), tree);
        assertEquals(12, tree.get("size").asInt());
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void streamingShortcutsAreCountedToo(ObjectMapper mapper) throws Exception {
        // Readers that skip or jump by field name must not slip past the count.
        try (JsonParser parser = mapper.createParser(nestedObjects(JsonCodec.MAX_NESTING_DEPTH + 1))) {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            assertThrows(JsonProcessingException.class, parser::skipChildren);
        }
        try (JsonParser parser = mapper.createParser("{\"a\":" + "1".repeat(65) + "}")) {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            // Jackson's own parser reads the value along with the name, so either call may refuse it.
            assertThrows(JsonProcessingException.class, () -> {
                parser.nextFieldName();
                parser.nextLongValue(0);
            });
        }
        try (JsonParser parser = mapper.createParser("{\"a\":" + "[".repeat(40) + "]".repeat(40) + "}")) {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            assertThrows(JsonProcessingException.class, () -> {
                while (parser.nextValue() != null) {
                    continue;
                }
            });
        }
    }

    @ParameterizedTest
    @MethodSource("mappers")
    void fieldNamesAreNotInterned(ObjectMapper mapper) throws Exception {
        // String.intern files a name under String.hashCode, which a body's sender makes collide.
        // The literal "bucket" is interned, so an interned field name would be the same instance.
        try (JsonParser parser = mapper.createParser("{\"bucket\":1}".getBytes(StandardCharsets.UTF_8))) {
            assertEquals(JsonToken.START_OBJECT, parser.nextToken());
            assertEquals(JsonToken.FIELD_NAME, parser.nextToken());
            assertEquals("bucket", parser.currentName());
            assertNotSame("bucket", parser.currentName());
        }
    }

    @Test
    void currentJacksonUsesItsOwnConstraints() {
        assertTrue(JsonCodec.JACKSON_ENFORCES_LIMITS, "the build's Jackson is " + JsonCodec.JACKSON_CORE_VERSION);
    }
}
