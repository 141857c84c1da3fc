package io.github.osscallback.internal;

/**
 * SipHash-1-3 (Aumasson and Bernstein; the variant Rust's and CPython's hash tables use) of a
 * string's UTF-16 code units, little-endian, under a 128-bit key: a hash whose collisions cannot
 * be found without the key. {@code String.hashCode} collisions are free to make ({@code "Aa"} and
 * {@code "BB"} share one, so do all 2<sup>k</sup> strings of k such pairs), and seeded
 * Murmur- or FNV-style hashes have collisions that hold for every seed.
 */
public final class SipHash {

    private SipHash() {
    }

    /** The low 32 bits of SipHash-1-3 of {@code text} under the key {@code (k0, k1)}. */
    public static int hash13(long k0, long k1, String text) {
        return hash13(k0, k1, null, 0, 0, text);
    }

    /**
     * As {@link #hash13(long, long, String)} of the text whose chars are the bytes
     * {@code bytes[from, to)} (unsigned), as an ASCII or Latin-1 slice reads: a slice and the
     * equal string hash alike.
     */
    public static int hash13(long k0, long k1, byte[] bytes, int from, int to) {
        return hash13(k0, k1, bytes, from, to, null);
    }

    /** Over {@code text} if not null, else over {@code bytes[from, to)}; one body, so the two cannot drift apart. */
    private static int hash13(long k0, long k1, byte[] bytes, int from, int to, String text) {
        long v0 = k0 ^ 0x736f6d6570736575L;
        long v1 = k1 ^ 0x646f72616e646f6dL;
        long v2 = k0 ^ 0x6c7967656e657261L;
        long v3 = k1 ^ 0x7465646279746573L;
        int length = text != null ? text.length() : to - from;
        int whole = length & ~3;
        for (int i = 0; i < whole; i += 4) {
            long m = unit(text, bytes, from, i) | (long) unit(text, bytes, from, i + 1) << 16
                    | (long) unit(text, bytes, from, i + 2) << 32 | (long) unit(text, bytes, from, i + 3) << 48;
            v3 ^= m;
            // One SipRound, written out: the JIT keeps the four words in registers.
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
            v0 ^= m;
        }
        // The last word: the remaining code units, and the length in bytes (mod 256) in the top byte.
        long last = (long) (length * 2) << 56;
        for (int i = whole; i < length; i++) {
            last |= (long) unit(text, bytes, from, i) << ((i - whole) * 16);
        }
        v3 ^= last;
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= last;
        v2 ^= 0xff;
        for (int round = 0; round < 3; round++) {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return (int) (v0 ^ v1 ^ v2 ^ v3);
    }

    private static int unit(String text, byte[] bytes, int from, int i) {
        return text != null ? text.charAt(i) : bytes[from + i] & 0xff;
    }
}
