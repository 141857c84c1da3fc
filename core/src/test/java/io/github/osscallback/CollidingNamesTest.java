package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.internal.BodyParser;
import io.github.osscallback.internal.FieldMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Names that share a {@code String.hashCode} (anyone who can have OSS sign a body chooses its
 * names) cost the field index a bounded number of probe steps per name, not one per earlier name:
 * counted, not timed. The index switches to a keyed hash for them, and every reader of a body's
 * names (form, plain JSON, Jackson's streaming path) ends up with that index.
 */
class CollidingNamesTest {

    /** Names of 14 {@code Aa}/{@code BB} pairs: 16,384 of them, all with one {@code String.hashCode}. */
    private static List<String> collidingNames(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder name = new StringBuilder(28);
            for (int pair = 0; pair < 14; pair++) {
                name.append((i >> pair & 1) == 0 ? "Aa" : "BB");
            }
            names.add(name.toString());
        }
        int hash = names.get(0).hashCode();
        assertTrue(names.stream().allMatch(name -> name.hashCode() == hash));
        return names;
    }

    @Test
    void tenThousandCollidingNamesTakeAFewProbeStepsEach() {
        List<String> names = collidingNames(10_000);
        // A small start, so that the index also grows (and lays itself out again) twelve times.
        FieldMap.Builder builder = FieldMap.builder(4);
        for (String name : names) {
            assertTrue(builder.add(name, "v"));
        }
        for (String name : names) {
            assertTrue(builder.contains(name));
            assertFalse(builder.add(name, "again"));
        }
        assertTrue(builder.keyed());
        // Over String.hashCode alone this is 10,000 * 9,999 / 2 steps for the adds, as many again
        // for the repeated searches, and more for every layout while growing.
        assertTrue(builder.steps() <= 10L * names.size(), "probe steps: " + builder.steps());
    }

    @Test
    void theKeyedIndexFindsEveryNameAndNoOther() {
        List<String> all = collidingNames(16_384);
        List<String> added = all.subList(0, 10_000);
        FieldMap.Builder builder = FieldMap.builder(added.size());
        Map<String, String> expected = new LinkedHashMap<>();
        for (String name : added) {
            builder.add(name, "v-" + name);
            expected.put(name, "v-" + name);
        }
        FieldMap map = builder.build();
        assertTrue(map.keyed());
        assertEquals(expected, map);
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(map.keySet()));
        for (String name : added) {
            assertEquals("v-" + name, map.get(name));
        }
        for (String name : all.subList(added.size(), all.size())) {
            assertNull(map.get(name));
            assertFalse(map.containsKey(name));
        }
    }

    @Test
    void aCallbackOfUpToSeventeenNamesNeverPaysForTheKeyedHash() {
        // Adding the k-th name (k from 0) takes at most k probe steps, so at most k(k+1)/2 in all,
        // which stays within the bound of 3 per name already added plus 96 up to k = 16, whatever
        // the per-JVM seed and even if every name collides.
        List<String> names = collidingNames(17);
        FieldMap.Builder builder = FieldMap.builder(names.size());
        for (String name : names) {
            builder.add(name, "v");
        }
        assertFalse(builder.keyed());
        assertEquals(names.size(), builder.build().size());
    }

    @Test
    void formBodyOfCollidingNamesIsReadIntoTheKeyedIndex() {
        List<String> names = collidingNames(3_000);
        StringBuilder body = new StringBuilder();
        for (String name : names) {
            body.append(body.length() == 0 ? "" : "&").append(name).append("=v%2F").append(name.length());
        }
        FieldMap fields = BodyParser.parseForm(ascii(body)).fields;
        assertTrue(fields.keyed());
        assertEquals(names, new ArrayList<>(fields.keySet()));
        assertEquals("v/28", fields.get(names.get(2_999)));
    }

    @Test
    void jsonBodyOfCollidingNamesIsReadIntoTheKeyedIndexOnBothPaths() {
        List<String> names = collidingNames(3_000);
        // Plain values are read without a parser; an escaped one sends the body through Jackson.
        for (String value : List.of("\"v\"", "\"\\u0076\"")) {
            StringBuilder body = new StringBuilder("{");
            for (String name : names) {
                body.append(body.length() == 1 ? "" : ",").append('"').append(name).append("\":").append(value);
            }
            BodyParser.Parsed parsed = BodyParser.parseJson(ascii(body.append('}')));
            assertNull(parsed.problem);
            assertTrue(parsed.fields.keyed(), value);
            assertEquals(names, new ArrayList<>(parsed.fields.keySet()));
            assertEquals("v", parsed.fields.get(names.get(2_999)));
        }
    }

    @Test
    void customVariablesOfCollidingNamesKeepTheKeyedIndex() {
        List<String> names = collidingNames(3_000);
        StringBuilder body = new StringBuilder("bucket=b");
        Map<String, String> expected = new LinkedHashMap<>();
        for (String name : names) {
            body.append("&x:").append(name).append("=1");
            expected.put("x:" + name, "1");
        }
        byte[] bytes = ascii(body);
        OssCallback callback = new OssCallback("/cb", null, "https://key.example/k.pem", "application/x-www-form-urlencoded",
                BodyType.FORM, bytes, BodyParser.parseForm(bytes), Map.of());
        Map<String, String> custom = callback.customVariables();
        assertEquals(expected, custom);
        assertTrue(((FieldMap) custom).keyed());
    }

    private static byte[] ascii(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
