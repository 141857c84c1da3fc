package io.github.osscallback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The byte-level helpers the readers share: the word-at-a-time ASCII check and ASCII text. */
class BodyParserTest {

    /** Every range of arrays up to 24 bytes, one high byte at every place in and around it, against a plain loop. */
    @Test
    void nonAsciiIsFoundWhereverItIsInTheRange() {
        for (int length = 0; length <= 24; length++) {
            for (int high = -1; high < length; high++) {
                byte[] bytes = new byte[length];
                java.util.Arrays.fill(bytes, (byte) 'a');
                if (high >= 0) {
                    bytes[high] = (byte) (0x80 + high);
                }
                for (int from = 0; from <= length; from++) {
                    for (int to = from; to <= length; to++) {
                        boolean expected = high >= from && high < to;
                        assertEquals(expected, BodyParser.hasNonAscii(bytes, from, to),
                                "length " + length + ", high byte at " + high + ", range " + from + ".." + to);
                    }
                }
            }
        }
    }

    @Test
    void asciiTextIsTheBytesOfTheRange() {
        byte[] body = "name=value&x%3Aa=b".getBytes(StandardCharsets.US_ASCII);
        assertEquals("value", BodyParser.ascii(body, 5, 10));
        assertEquals("", BodyParser.ascii(body, 3, 3));
        // Each byte is the char of its value, as Latin-1 reads it.
        assertEquals("\u00e9", BodyParser.ascii(new byte[] {(byte) 0xe9}, 0, 1));
    }

    /** Every byte value at every place of words and tails, against the plain per-byte tests. */
    @Test
    void wordAtATimeStopsAreThePlainLoops() {
        for (int length = 0; length <= 20; length++) {
            for (int b = 0; b < 256; b++) {
                for (int at = 0; at < length; at++) {
                    byte[] bytes = new byte[length];
                    java.util.Arrays.fill(bytes, (byte) 'a');
                    bytes[at] = (byte) b;
                    // And a second stop later, which must not be found first.
                    if (at + 3 < length) {
                        bytes[at + 3] = '&';
                    }
                    for (int from = 0; from <= length; from++) {
                        assertEquals(plainFormStop(bytes, from), BodyParser.formValueStop(bytes, from), "form byte " + b + " at " + at);
                        assertEquals(plainJsonStop(bytes, from), BodyParser.jsonStringStop(bytes, from), "json byte " + b + " at " + at);
                    }
                }
            }
        }
    }

    private static int plainFormStop(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '&' || b == ';' || b == '%' || b == '+' || b < 0) {
                return i;
            }
        }
        return bytes.length;
    }

    private static int plainJsonStop(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b == '"' || b == '\\' || b < 0x20) {
                return i;
            }
        }
        return bytes.length;
    }

    /**
     * A JSON body with a repeated name is refused without the tree, as the tree's reader refuses
     * it; everything else the streaming read leaves goes to the tree: the two agree on each body.
     */
    @Test
    void repeatedJsonNamesAreRefusedAsTheTreeRefusesThem() {
        StringBuilder colliding = new StringBuilder("{\"Aa\":1");
        for (int i = 0; i < 300; i++) {
            colliding.append(",\"").append(Integer.toBinaryString(i | 512).replace("0", "Aa").replace("1", "BB")).append("\":").append(i);
        }
        String[] bodies = {
            "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1},\"a\":null}", "{\"a\":null,\"a\":null}", "{\"a\":1,\"a\":{\"b\":1}}",
            "{\"a\":{\"x\":1,\"x\":2}}", "{\"a\":[{\"b\":1,\"b\":2}]}", "[{\"b\":1,\"b\":2}]", "[1,{\"b\":1},{\"b\":2}]",
            "{\"a\":1} {\"b\":1,\"b\":2}", "{\"a\":1,\"a\":2} trailing", "{\"a\":1,\"a\":2", "{\"a\":1,\"b\":tru,\"a\":2}",
            "{\"a.b\":1,\"a\":{\"b\":2}}", "{\"a\":{\"b\":2},\"a.b\":1}", "{\"a\":1,\"a\":2,\"c\":\"\u00e9\"}", "{\"a\":1, \"A\":2}",
            "a=1&a=2", "a=\"x\"&a=1", "{\"a\":\"x\\u0041\",\"a\":1}", " {\"a\":1,\"a\":2}", "{\"\":1,\"\":2}", "1", "",
            colliding + ",\"Aa\":2}", colliding + "}",
        };
        for (String text : bodies) {
            byte[] body = text.getBytes(StandardCharsets.UTF_8);
            BodyParser.Parsed streamed = JsonBody.parseWithJackson(body);
            BodyParser.Parsed tree = JsonBody.parseTree(body);
            assertEquals(tree.problem, streamed.problem, text);
            assertEquals(tree.fields, streamed.fields, text);
            assertEquals(tree.jsonObject, streamed.jsonObject, text);
        }
        byte[] invalidLater = {'{', '"', 'a', '"', ':', '1', ',', '"', 'a', '"', ':', '2', ',', '"', 'c', '"', ':', '"', (byte) 0xff, '"', '}'};
        assertEquals(JsonBody.parseTree(invalidLater).problem, JsonBody.parseWithJackson(invalidLater).problem);
    }
}

