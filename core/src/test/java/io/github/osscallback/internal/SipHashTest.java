package io.github.osscallback.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.osscallback.internal.SipHash;
import org.junit.jupiter.api.Test;

/**
 * SipHash-1-3 against published vectors: those of the Linux kernel's SipHash self-test
 * ({@code test_vectors_hsiphash} for 64-bit builds, which is SipHash-1-3 truncated to its low 32
 * bits), key bytes 00..0f and message bytes 00..n-1. A string's code units are hashed as UTF-16LE,
 * so the even-length messages are the strings whose code unit k is {@code (2k+1) << 8 | 2k}.
 */
class SipHashTest {

    private static final long K0 = 0x0706050403020100L;
    private static final long K1 = 0x0f0e0d0c0b0a0908L;

    /** The vectors for messages of 0, 2, 4, ... 62 bytes. */
    private static final int[] EVEN_LENGTH_VECTORS = {
        0x050fc4dc, 0x4dc7d44d, 0x88d38328, 0xc59f22a7, 0x8d299a8e, 0x92ff097f, 0x57b4d9a2, 0xc0f95d34,
        0x7d908b66, 0xb473e63e, 0xa6cce040, 0xa320872e, 0x67349c8c, 0xca9913a5, 0xef6cd00d, 0x43c5e663,
        0x16a7b60d, 0x1f2a753e, 0xada26206, 0xae3a36a1, 0x99e41531, 0xc8138825, 0xfaf8876b, 0x68b1d623,
        0xdf074c46, 0x0a52098f, 0xa2f41f12, 0x73f0bce6, 0x243c6d75, 0xa67d8a08, 0xf7a644ee, 0x4b6694e0,
    };

    @Test
    void matchesThePublishedVectors() {
        for (int units = 0; units < EVEN_LENGTH_VECTORS.length; units++) {
            StringBuilder text = new StringBuilder();
            for (int k = 0; k < units; k++) {
                text.append((char) ((2 * k + 1) << 8 | 2 * k));
            }
            assertEquals(EVEN_LENGTH_VECTORS[units], SipHash.hash13(K0, K1, text.toString()), "message of " + 2 * units + " bytes");
        }
    }

    @Test
    void aByteSliceHashesAsTheStringOfItsBytes() {
        // Every length up to three words, at an offset, with bytes of the Latin-1 range's both halves.
        byte[] bytes = new byte[40];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 37 + 11);
        }
        for (int from = 0; from < 3; from++) {
            for (int to = from; to <= bytes.length; to++) {
                String text = new String(bytes, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
                assertEquals(SipHash.hash13(K0, K1, text), SipHash.hash13(K0, K1, bytes, from, to), from + ".." + to);
            }
        }
    }

    @Test
    void separatesWhatStringHashCodeDoesNot() {
        assertEquals("Aa".hashCode(), "BB".hashCode());
        assertNotEquals(SipHash.hash13(K0, K1, "Aa"), SipHash.hash13(K0, K1, "BB"));
        assertNotEquals(SipHash.hash13(K0, K1, "AaBB"), SipHash.hash13(K0, K1, "BBAa"));
        // A different key, a different hash.
        assertNotEquals(SipHash.hash13(K0, K1, "object"), SipHash.hash13(K0 ^ 1, K1, "object"));
    }
}
