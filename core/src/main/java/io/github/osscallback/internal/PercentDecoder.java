package io.github.osscallback.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The one percent-decoding rule for paths, query names and form bodies: {@code %XX} with two hex
 * digits becomes that byte; a {@code %} that starts no escape is kept as a literal {@code %}, as
 * Python's {@code unquote} and the WHATWG URL standard read it; with {@code plusAsSpace},
 * {@code +} becomes a space, as in form encoding and Java's {@code URLDecoder}.
 */
public final class PercentDecoder {

    private PercentDecoder() {
    }

    /** The UTF-8 bytes of {@code raw}, decoded. */
    public static byte[] decode(String raw, boolean plusAsSpace) {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        if (raw.indexOf('%') < 0 && !(plusAsSpace && raw.indexOf('+') >= 0)) {
            return bytes;
        }
        byte[] out = new byte[bytes.length];
        return Arrays.copyOf(out, decode(bytes, 0, bytes.length, plusAsSpace, out));
    }

    /**
     * Decodes {@code raw[from, to)} into {@code out} from index 0, which must hold {@code to - from}
     * bytes (decoding never lengthens).
     *
     * @return the number of bytes written
     */
    public static int decode(byte[] raw, int from, int to, boolean plusAsSpace, byte[] out) {
        int n = 0;
        for (int i = from; i < to; i++) {
            byte b = raw[i];
            if (b == '%' && i + 2 < to) {
                int hi = hex(raw[i + 1]);
                int lo = hex(raw[i + 2]);
                if (hi >= 0 && lo >= 0) {
                    out[n++] = (byte) ((hi << 4) | lo);
                    i += 2;
                    continue;
                }
            }
            out[n++] = plusAsSpace && b == '+' ? (byte) ' ' : b;
        }
        return n;
    }

    /** Whether the {@code %} at {@code percentAt} starts an escape of two ASCII hex digits within {@code raw[.., to)}. */
    public static boolean startsEscape(byte[] raw, int percentAt, int to) {
        return percentAt + 2 < to && hex(raw[percentAt + 1]) >= 0 && hex(raw[percentAt + 2]) >= 0;
    }

    /** Whether the escape known to start at {@code percentAt} is of an ASCII byte ({@code %00} to {@code %7F}). */
    public static boolean startsAsciiEscape(byte[] raw, int percentAt) {
        return hex(raw[percentAt + 1]) < 8;
    }

    /** The byte that the escape known to start at {@code percentAt} stands for (0 to 255). */
    public static int escapedByte(byte[] raw, int percentAt) {
        return hex(raw[percentAt + 1]) << 4 | hex(raw[percentAt + 2]);
    }

    /** An ASCII hex digit's value, or -1; the bytes of a URL or body are never wider digits. */
    private static int hex(byte b) {
        return HEX[b & 0xff];
    }

    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int d = 0; d < 16; d++) {
            HEX["0123456789abcdef".charAt(d)] = (byte) d;
            HEX["0123456789ABCDEF".charAt(d)] = (byte) d;
        }
    }
}
