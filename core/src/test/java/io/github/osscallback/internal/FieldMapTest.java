package io.github.osscallback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.internal.BodyParser;
import io.github.osscallback.internal.FieldMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fields map behaves as an immutable, insertion-ordered {@code Map}, whatever its size or hashes. */
class FieldMapTest {

    @Test
    void keepsBodyOrderAndEqualsTheSameLinkedHashMap() {
        // Many more fields than announced, and names that share a hash ("Aa" and "BB").
        FieldMap.Builder builder = FieldMap.builder(2);
        Map<String, String> expected = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(List.of("Aa", "BB", "AaAa", "BBBB", "AaBB", "BBAa", "", "x:uid"));
        for (int i = 0; i < 200; i++) {
            names.add("f" + (i * 7919 % 1000));
        }
        for (String name : names) {
            boolean fresh = !expected.containsKey(name);
            assertEquals(fresh, builder.add(name, "v-" + name));
            expected.putIfAbsent(name, "v-" + name);
        }
        FieldMap map = builder.build();
        assertEquals(expected, map);
        assertEquals(map, expected);
        assertEquals(expected.hashCode(), map.hashCode());
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(map.keySet()));
        assertEquals(new ArrayList<>(expected.values()), new ArrayList<>(map.values()));
        for (String name : expected.keySet()) {
            assertTrue(map.containsKey(name));
            assertEquals("v-" + name, map.get(name));
        }
        assertNull(map.get("absent"));
        assertFalse(map.containsKey(42));
        assertTrue(map.entrySet().contains(Map.entry("Aa", "v-Aa")));
        assertFalse(map.entrySet().contains(Map.entry("Aa", "other")));
    }

    /** A field whose value is a slice of the body, named by a string. */
    private static boolean slice(FieldMap.Builder builder, String name, byte[] body, int start, int end, boolean escaped) {
        builder.name(name);
        return builder.addValueSlice(body, start, end, escaped);
    }

    @Test
    void slicedValuesReadAsTheirBytesAndMixWithDecodedOnes() {
        byte[] body = "a=1&b=&c=three".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        FieldMap.Builder builder = FieldMap.builder(1);
        assertTrue(slice(builder, "a", body, 2, 3, false));
        assertTrue(builder.add("decoded", "x y"));
        assertTrue(slice(builder, "b", body, 6, 6, false));
        assertTrue(slice(builder, "c", body, 9, 14, false));
        assertFalse(slice(builder, "a", body, 9, 14, false));
        assertFalse(builder.add("c", "other"));
        assertThrows(IllegalArgumentException.class, () -> slice(builder, "d", body.clone(), 0, 1, false));
        FieldMap map = builder.build();
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("a", "1");
        expected.put("decoded", "x y");
        expected.put("b", "");
        expected.put("c", "three");
        assertEquals(expected, map);
        assertEquals("three", map.get("c"));
        assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(map.entrySet()));
    }

    @Test
    void formEscapedSlicesDecodeWhenRead() {
        byte[] body = "a=x%2Fy+z&b=%7e%41".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        FieldMap.Builder builder = FieldMap.builder(1);
        assertTrue(slice(builder, "a", body, 2, 9, true));
        assertTrue(slice(builder, "b", body, 12, 18, true));
        assertEquals(Map.of("a", "x/y z", "b", "~A"), builder.build());
        // The same through the form parser, which takes that path for escapes of ASCII bytes only.
        assertEquals(Map.of("a", "x/y z", "b", "~A", "c", "\u00e9", "d", "100%"),
                FormBody.parse("a=x%2Fy+z&b=%7e%41&c=%C3%A9&d=100%25".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).fields);
    }

    @Test
    void refusesEveryChange() {
        FieldMap.Builder builder = FieldMap.builder(1);
        builder.add("a", "1");
        FieldMap map = builder.build();
        assertThrows(UnsupportedOperationException.class, () -> map.put("b", "2"));
        assertThrows(UnsupportedOperationException.class, () -> map.remove("a"));
        assertThrows(UnsupportedOperationException.class, map::clear);
        assertThrows(UnsupportedOperationException.class, () -> map.keySet().remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> map.entrySet().iterator().next().setValue("x"));
        Iterator<String> names = map.keySet().iterator();
        names.next();
        assertThrows(UnsupportedOperationException.class, names::remove);
        assertEquals(Map.of("a", "1"), map);
        assertTrue(FieldMap.EMPTY.isEmpty());
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Test
    void anEscapedNameAndItsPlainFormAreOneName() {
        // Every order and spelling of x:f1: escaped upper or lower case, plain; and + or %20 for a space.
        for (String body : List.of("x%3Af1=a&x:f1=b", "x:f1=a&x%3af1=b", "x%3Af1=a&x%3a%66%31=b",
                "a+b=1&a%20b=2", "a%20b=1&a b=2", "n=1&%6E=2")) {
            BodyParser.Parsed parsed = FormBody.parse(ascii(body));
            assertTrue(parsed.fields.isEmpty(), body);
            assertTrue(parsed.problem.contains("appears more than once"), body + ": " + parsed.problem);
        }
        BodyParser.Parsed parsed = FormBody.parse(ascii("x%3Af1=a&x%3Af2=b"));
        assertNull(parsed.problem);
        assertTrue(FormBody.parse(ascii("x%3Af1=a&x:f1=b")).problem.contains("field 'x:f1'"));
    }

    @Test
    void escapedNamesAreFoundByTheirDecodedText() {
        FieldMap fields = FormBody.parse(ascii("x%3Auid=7&obj%2fname=v&a+b=%41&plain=p")).fields;
        assertEquals("7", fields.get("x:uid"));
        assertEquals("v", fields.get("obj/name"));
        assertEquals("A", fields.get("a b"));
        assertEquals("p", fields.get("plain"));
        assertFalse(fields.containsKey("x%3Auid"));
        assertFalse(fields.containsKey("x:ui"));
        assertFalse(fields.containsKey("x:uidd"));
        assertFalse(fields.containsKey("a+b"));
        assertEquals(Map.of("x:uid", "7", "obj/name", "v", "a b", "A", "plain", "p"), fields);
    }

    @Test
    void namesMadeWhenFirstReadKeepBodyOrderAmongGivenOnes() {
        // Slice names (plain, escaped) and names given as strings (non-ASCII once decoded), mixed.
        FieldMap fields = FormBody.parse(ascii("b=1&caf%C3%A9=2&x%3Ac=3&a=4&%E4%B8%AD=5&z=6")).fields;
        assertEquals(List.of("b", "caf\u00e9", "x:c", "a", "\u4e2d", "z"), new ArrayList<>(fields.keySet()));
        assertEquals(List.of("1", "2", "3", "4", "5", "6"), new ArrayList<>(fields.values()));
        assertEquals("2", fields.get("caf\u00e9"));
        // Read twice, by another path: the same strings.
        assertEquals(new ArrayList<>(fields.keySet()), new ArrayList<>(fields.keySet()));
        Map<String, String> copy = new LinkedHashMap<>(fields);
        assertEquals(copy, fields);
        assertEquals(copy.hashCode(), fields.hashCode());
        // A JSON body's names are slices too.
        FieldMap json = PlainJsonObject.read(ascii("{\"b\":1,\"a%41\":\"x\",\"a+\":true}"));
        assertEquals(List.of("b", "a%41", "a+"), new ArrayList<>(json.keySet()));
        assertEquals("x", json.get("a%41"));
        assertNull(json.get("aA"));
    }

    @Test
    void sliceNamesAndStringNamesMeetInOneIndex() {
        byte[] body = ascii("x%3Aa=1&bb=2");
        FieldMap.Builder builder = FieldMap.builder(1);
        builder.name(body, 0, 5, "x:a".hashCode(), true);
        assertTrue(builder.addValueSlice(body, 6, 7, false));
        assertFalse(builder.add("x:a", "again"));
        assertTrue(builder.contains("x:a"));
        assertFalse(builder.contains("x%3Aa"));
        assertTrue(builder.add("cc", "3"));
        builder.name(body, 8, 10, "bb".hashCode(), false);
        assertTrue(builder.addValueSlice(body, 11, 12, false));
        builder.name("bb");
        assertFalse(builder.addValue("again"));
        assertEquals("bb", builder.nextName());
        builder.name(body, 0, 5, "x:a".hashCode(), true);
        assertEquals("x:a", builder.nextName());
        assertFalse(builder.addValue("again"));
        FieldMap map = builder.build();
        assertEquals(List.of("x:a", "cc", "bb"), new ArrayList<>(map.keySet()));
        assertEquals(Map.of("x:a", "1", "cc", "3", "bb", "2"), map);
    }

    @Test
    void collidingSliceNamesSwitchToTheKeyedHashAsStringsWould() {
        // Names of Aa/BB pairs, every other one written with escapes (%41a is Aa, B%42 is BB), and
        // one repeated at the end in its other spelling: found through the keyed index, and refused.
        StringBuilder body = new StringBuilder();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            StringBuilder name = new StringBuilder();
            StringBuilder written = new StringBuilder();
            for (int pair = 0; pair < 11; pair++) {
                boolean aa = (i >> pair & 1) == 0;
                name.append(aa ? "Aa" : "BB");
                written.append(i % 2 == 0 ? (aa ? "Aa" : "BB") : (aa ? "%41a" : "B%42"));
            }
            names.add(name.toString());
            body.append(i == 0 ? "" : "&").append(written).append("=v").append(i);
        }
        FieldMap fields = FormBody.parse(ascii(body.toString())).fields;
        assertTrue(fields.keyed());
        assertEquals(names, new ArrayList<>(fields.keySet()));
        for (int i = 0; i < names.size(); i++) {
            assertEquals("v" + i, fields.get(names.get(i)));
        }
        assertNull(fields.get(names.get(0) + "Aa"));
        String again = body + "&" + names.get(1);
        BodyParser.Parsed refused = FormBody.parse(ascii(again));
        assertTrue(refused.fields.isEmpty());
        assertTrue(refused.problem.contains("field '" + names.get(1) + "' appears more than once"), refused.problem);
    }

    @Test
    void formNamesAgreeWithDecodedStringsOverGeneratedBodies() {
        // Names from a small alphabet of spellings, so that repeats (in either spelling) are common.
        String[][] spellings = {{"a", "%61", "%61"}, {"A", "%41", "%41"}, {" ", "+", "%20"}, {":", "%3A", "%3a"},
                {"~", "%7E", "%7e"}, {"\u00e9", "%C3%A9", "%c3%a9"}, {"\u0001", "%01", "%01"}};
        java.util.Random random = new java.util.Random(24);
        for (int round = 0; round < 3_000; round++) {
            Map<String, String> expected = new LinkedHashMap<>();
            // The first pair's problem decides: a control character in its name, else a repeat.
            String problem = null;
            StringBuilder body = new StringBuilder();
            int count = 1 + random.nextInt(6);
            for (int f = 0; f < count; f++) {
                StringBuilder name = new StringBuilder();
                StringBuilder written = new StringBuilder();
                int length = 1 + random.nextInt(3);
                for (int k = 0; k < length; k++) {
                    String[] letter = spellings[random.nextInt(spellings.length - (round % 5 == 0 ? 0 : 1))];
                    name.append(letter[0]);
                    written.append(letter[1 + random.nextInt(2)]);
                }
                body.append(f == 0 ? "" : "&").append(written).append("=v").append(f);
                if (problem == null && name.chars().anyMatch(c -> c < 0x20)) {
                    problem = "control character";
                } else if (expected.putIfAbsent(name.toString(), "v" + f) != null && problem == null) {
                    problem = "appears more than once";
                }
            }
            BodyParser.Parsed parsed = FormBody.parse(ascii(body.toString()));
            if (problem != null) {
                assertTrue(parsed.fields.isEmpty(), body.toString());
                assertTrue(parsed.problem.contains(problem), body + ": " + parsed.problem);
            } else {
                assertNull(parsed.problem, body.toString());
                assertEquals(new ArrayList<>(expected.entrySet()), new ArrayList<>(parsed.fields.entrySet()), body.toString());
                for (String name : expected.keySet()) {
                    assertEquals(expected.get(name), parsed.fields.get(name), body.toString());
                }
            }
        }
    }

    @Test
    void moreFieldsThanACharCanNumberGrowTheIndexToInts() {
        // The index numbers fields in chars up to 65,535 and in ints past that; growing crosses over.
        byte[] body = new byte[70_000 * 6];
        FieldMap.Builder builder = FieldMap.builder(8);
        for (int i = 0; i < 70_000; i++) {
            byte[] name = String.format("n%05d", i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            System.arraycopy(name, 0, body, i * 6, 6);
        }
        for (int i = 0; i < 70_000; i++) {
            String name = BodyParser.ascii(body, i * 6, i * 6 + 6);
            builder.name(body, i * 6, i * 6 + 6, name.hashCode(), false);
            assertTrue(builder.addValueSlice(body, i * 6 + 1, i * 6 + 6, false));
        }
        builder.name("n69999");
        assertFalse(builder.addValue("again"));
        FieldMap map = builder.build();
        assertEquals(70_000, map.size());
        assertEquals("00000", map.get("n00000"));
        assertEquals("65535", map.get("n65535"));
        assertEquals("69999", map.get("n69999"));
        assertNull(map.get("n70000"));
        Iterator<Map.Entry<String, String>> entries = map.entrySet().iterator();
        for (int i = 0; i < 70_000; i++) {
            Map.Entry<String, String> entry = entries.next();
            assertEquals(String.format("n%05d", i), entry.getKey());
        }
        assertFalse(entries.hasNext());
    }
}
