package io.github.osscallback.testing;

/**
 * CRC-64/ECMA-182 as OSS computes it for {@code x-oss-hash-crc64ecma} and {@code ${crc64}}
 * (reflected, initial value and final XOR all ones, the CRC-64/XZ variant), printed as an
 * unsigned decimal. The SDKs compare it with their own when CRC checking is on.
 */
final class Crc64 {

    private static final long POLY = 0xC96C5795D7870F42L;
    private static final long[] TABLE = new long[256];

    static {
        for (int n = 0; n < 256; n++) {
            long crc = n;
            for (int k = 0; k < 8; k++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLY : crc >>> 1;
            }
            TABLE[n] = crc;
        }
    }

    private Crc64() {
    }

    static long of(byte[] data) {
        long crc = ~0L;
        for (byte b : data) {
            crc = TABLE[(int) ((crc ^ b) & 0xff)] ^ (crc >>> 8);
        }
        return ~crc;
    }

    static String decimal(byte[] data) {
        return Long.toUnsignedString(of(data));
    }
}
