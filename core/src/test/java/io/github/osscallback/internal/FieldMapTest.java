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

    @Test
    void slicedValuesReadAsTheirBytesAndMixWithDecodedOnes() {
        byte[] body = "a=1&b=&c=three".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        FieldMap.Builder builder = FieldMap.builder(1);
        assertTrue(builder.addSlice("a", body, 2, 3));
        assertTrue(builder.add("decoded", "x y"));
        assertTrue(builder.addSlice("b", body, 6, 6));
        assertTrue(builder.addSlice("c", body, 9, 14));
        assertFalse(builder.addSlice("a", body, 9, 14));
        assertFalse(builder.add("c", "other"));
        assertThrows(IllegalArgumentException.class, () -> builder.addSlice("d", body.clone(), 0, 1));
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
        assertTrue(builder.addEscapedSlice("a", body, 2, 9));
        assertTrue(builder.addEscapedSlice("b", body, 12, 18));
        assertEquals(Map.of("a", "x/y z", "b", "~A"), builder.build());
        // The same through the form parser, which takes that path for escapes of ASCII bytes only.
        assertEquals(Map.of("a", "x/y z", "b", "~A", "c", "\u00e9", "d", "100%"),
                BodyParser.parseForm("a=x%2Fy+z&b=%7e%41&c=%C3%A9&d=100%25".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).fields);
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
}
