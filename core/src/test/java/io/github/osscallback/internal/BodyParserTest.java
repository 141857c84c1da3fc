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
}
