package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.osscallback.internal.BodyParser;
import io.github.osscallback.internal.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JSON bodies are read in one streaming pass, without a tree. The fields must be exactly those a
 * tree gives when flattened (nested objects as dotted names, nulls left out, numbers and arrays
 * as the tree prints them): checked here against Jackson's own tree for hand-picked and
 * generated bodies.
 */
class JsonFieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{}",
        "{\"bucket\":\"b\",\"object\":\"a/b.png\",\"size\":2048}",
        "{\"n\":-0,\"f\":1e5,\"g\":-1.50,\"h\":0.1,\"big\":123456789012345678901234567890,\"l\":9007199254740993}",
        "{\"t\":true,\"f\":false,\"z\":null,\"s\":\"\"}",
        "{\"imageInfo\":{\"height\":\"10\",\"width\":20,\"format\":\"png\"},\"x:uid\":\"7\"}",
        "{\"a\":{\"b\":{\"c\":{\"d\":\"deep\"}}},\"a.x\":1}",
        "{\"list\":[1,\"two\",{\"three\":3},[4]],\"empty\":[],\"o\":{}}",
        "{\"esc\":\"quote \\\" slash \\\\ nl \\n tab \\t \\u4e2d \\ud83d\\ude00\",\"\\u540d\":\"v\"}",
        " \n {\"spaced\" : \"out\" } \n "})
    void streamingReadGivesTheTreesFields(String json) throws Exception {
        BodyParser.Parsed parsed = BodyParser.parseJson(json.getBytes(StandardCharsets.UTF_8));
        assertNull(parsed.problem, parsed.problem);
        assertTrue(parsed.jsonObject);
        assertEquals(treeFields(json), parsed.fields);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":{\"x\":1},\"a\":{\"y\":2}}", "{\"a\":null,\"a\":\"v\"}",
        "{\"a\":\"v\",\"a\":null}", "{\"a\":{\"b\":1},\"a\":null}", "{\"a\":null,\"a\":null}",
        "{\"o\":{\"k\":1,\"k\":2}}", "{\"a\":[1],\"a\":{}}", "{\"a.b\":1,\"a\":{\"b\":2}}"})
    void aNameGivenTwiceInOneObjectLeavesNoFields(String json) {
        BodyParser.Parsed parsed = BodyParser.parseJson(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(Map.of(), parsed.fields, json);
        assertTrue(parsed.problem != null && parsed.problem.contains("more than once"), parsed.problem);
    }

    @Test
    void generatedObjectsReadAsTheirTrees() throws Exception {
        Random random = new Random(20261125L);
        for (int i = 0; i < 2_000; i++) {
            String json = object(random, 0);
            BodyParser.Parsed parsed = BodyParser.parseJson(json.getBytes(StandardCharsets.UTF_8));
            Map<String, String> expected = treeFieldsOrNull(json);
            if (expected == null) {
                assertTrue(parsed.fields.isEmpty() && parsed.problem != null, json);
            } else {
                assertEquals(expected, parsed.fields, json);
            }
        }
    }

    /** The tree's fields, or null where flattening makes two fields of one name (ambiguous). */
    private static Map<String, String> treeFieldsOrNull(String json) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        return flatten("", JsonCodec.MAPPER.readTree(json), out) ? out : null;
    }

    private static Map<String, String> treeFields(String json) throws Exception {
        Map<String, String> out = treeFieldsOrNull(json);
        assertTrue(out != null, "test body is ambiguous: " + json);
        return out;
    }

    private static boolean flatten(String prefix, JsonNode object, Map<String, String> into) {
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                if (!flatten(name + ".", value, into)) {
                    return false;
                }
            } else if (!value.isNull()
                    && into.putIfAbsent(name, value.isValueNode() ? value.asText() : value.toString()) != null) {
                return false;
            }
        }
        return true;
    }

    private static final String[] NAMES = {"a", "b", "a.b", "size", "x:uid", "\u540d", "imageInfo", "height"};
    private static final String[] SCALARS = {"0", "-0", "7", "-12", "3.25", "1e3", "-2.5E-3", "99999999999999999999",
        "true", "false", "null", "\"\"", "\"text\"", "\"a\\\"b\"", "\"\\u00e9\"", "[]", "[1,\"x\"]"};

    private static String object(Random random, int depth) {
        StringBuilder json = new StringBuilder("{");
        int fields = random.nextInt(5);
        for (int f = 0; f < fields; f++) {
            if (f > 0) {
                json.append(',');
            }
            json.append('"').append(NAMES[random.nextInt(NAMES.length)]).append(f).append(random.nextInt(3)).append("\":");
            if (depth < 3 && random.nextInt(4) == 0) {
                json.append(object(random, depth + 1));
            } else {
                json.append(SCALARS[random.nextInt(SCALARS.length)]);
            }
        }
        return json.append('}').toString();
    }
}
