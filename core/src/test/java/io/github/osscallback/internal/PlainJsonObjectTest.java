package io.github.osscallback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.internal.BodyParser;
import io.github.osscallback.internal.FieldMap;
import io.github.osscallback.internal.PlainJsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser-free read of plain JSON objects must give exactly Jackson's fields wherever it
 * reads a body, and leave everything else to Jackson.
 */
class PlainJsonObjectTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{}", " {\t}\r\n",
        "{\"bucket\":\"b\",\"object\":\"a/b.png\",\"size\":2048,\"neg\":-7,\"zero\":0,\"t\":true,\"f\":false}",
        "{ \"spaced\" : \"out\" , \"\" : \"empty name\" }",
        "{\"max\":999999999999999999,\"min\":-999999999999999999,\"del\":\"\u007f\"}"})
    void readsPlainObjectsAsJacksonDoes(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        FieldMap plain = PlainJsonObject.read(body);
        assertNotNull(plain, json);
        BodyParser.Parsed jackson = BodyParser.parseJsonWithJackson(body);
        assertNull(jackson.problem);
        assertEquals(jackson.fields, plain);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", " ", "[]", "\"s\"", "{", "}", "{\"a\":1", "{\"a\":1,}", "{,}", "{\"a\" 1}", "{\"a\":}", "{\"a\":1}x",
        "{\"a\":1}{}", "{\"a\":\"\\u0041\"}", "{\"a\\\"b\":1}", "{\"a\":\"\u00e9\"}", "{\"a\":\"\t\"}",
        "{\"a\":null}", "{\"a\":{}}", "{\"a\":[1]}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":-0}", "{\"a\":01}",
        "{\"a\":-}", "{\"a\":+1}", "{\"a\":1234567890123456789}", "{\"a\":tru}", "{\"a\":truex}", "{\"a\":True}",
        "{\"a\":1,\"a\":2}", "\ufeff{\"a\":1}", "{'a':1}", "{a:1}", "{\"a\":1 2}", "{\"a\":\"x\"\"y\"}"})
    void leavesEverythingElseToJackson(String json) {
        assertNull(PlainJsonObject.read(json.getBytes(StandardCharsets.UTF_8)), json);
    }

    /**
     * Bodies built from JSON-ish tokens, valid and not: whatever the plain read accepts, Jackson
     * reads without a problem into the same fields. The seed is fixed, so a failure repeats.
     */
    @Test
    void agreesWithJacksonOnGeneratedBodies() {
        Random random = new Random(20261125L);
        int plain = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] body = body(random);
            FieldMap fields = PlainJsonObject.read(body);
            if (fields == null) {
                continue;
            }
            plain++;
            BodyParser.Parsed jackson = BodyParser.parseJsonWithJackson(body);
            String shown = new String(body, StandardCharsets.ISO_8859_1);
            assertNull(jackson.problem, shown);
            assertTrue(jackson.jsonObject, shown);
            assertEquals(jackson.fields, fields, shown);
            assertEquals(String.join(",", jackson.fields.keySet()), String.join(",", fields.keySet()), shown);
        }
        // The generator must reach the plain path often, or this test proves nothing.
        assertTrue(plain > 3_000, "plain bodies generated: " + plain);
    }

    private static final String[] VALUES = {
        "\"v\"", "\"\"", "\"a b/c\"", "0", "7", "-7", "42", "999999999999999999", "-999999999999999999", "true", "false",
        // Near misses, each alone enough to leave the body to Jackson or to make it invalid:
        "null", "-0", "01", "1.5", "1e3", "-", "1234567890123456789", "tru", "truex", "\"\\n\"", "\"\\u0041\"",
        "\"\u00e9\"", "\"\t\"", "{}", "{\"k\":1}", "[1]", "\"x\"\"y\"", "1 2", "+1"};
    private static final String[] NAMES = {"\"a\"", "\"b\"", "\"x:uid\"", "\"\"", "\"size\"", "\"a\\\"\"", "\"\u00e9\""};
    private static final String[] SPACES = {"", "", "", " ", "\n", "\t", "\r\n", "\u000b"};

    private static byte[] body(Random random) {
        StringBuilder b = new StringBuilder();
        b.append(space(random));
        if (random.nextInt(40) == 0) {
            b.append(random.nextBoolean() ? "[" : "\ufeff");
        }
        b.append('{').append(space(random));
        int fields = random.nextInt(6);
        for (int f = 0; f < fields; f++) {
            if (f > 0) {
                b.append(random.nextInt(60) == 0 ? ";" : ",").append(space(random));
            }
            b.append(pick(random, NAMES, 3)).append(space(random)).append(random.nextInt(60) == 0 ? "=" : ":")
                    .append(space(random)).append(pick(random, VALUES, 11)).append(space(random));
        }
        if (random.nextInt(60) == 0) {
            b.append(',');
        }
        b.append(random.nextInt(60) == 0 ? "" : "}").append(space(random));
        if (random.nextInt(60) == 0) {
            b.append(random.nextBoolean() ? "x" : "{}");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Mostly one of the first {@code common} entries, sometimes any. */
    private static String pick(Random random, String[] options, int common) {
        return options[random.nextInt(4) == 0 ? random.nextInt(options.length) : random.nextInt(common)];
    }

    private static String space(Random random) {
        return SPACES[random.nextInt(SPACES.length)];
    }
}
