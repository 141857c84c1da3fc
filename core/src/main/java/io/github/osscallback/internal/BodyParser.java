package io.github.osscallback.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Turns a verified body into named fields: form bodies (UTF-8, {@code +} as space; {@link FormBody})
 * and JSON objects (nested objects flattened to dotted names, so {@code imageInfo.height} works in
 * both; {@link JsonBody}).
 *
 * <p>Parsing never throws for the shape of a body: the signature already proved OSS sent it, and
 * OSS signs and delivers whatever the uploader's template produced (PROTOCOL.md). What does not
 * parse cleanly comes back as a <em>problem</em>, a one-line description naming the likely
 * template mistake, and the verifier either refuses it (strict mode, or whenever it checks a binding
 * such as an upload token) or delivers it. Where a body can still be read without ambiguity its
 * fields are kept (a form-style template sent as JSON); where it cannot there are no fields at all,
 * so no ambiguous value ever reaches the application.
 *
 * <p>A form body is read only under a strict grammar, so that every decoder an application may put
 * in front of it (ours, {@code java.net.URLDecoder} under JAX-RS runtimes, a container's) reads the
 * same fields or none: every {@code %} starts an escape of two ASCII hex digits, the raw bytes are
 * UTF-8, each name and value is UTF-8 once decoded, names are not empty and hold no control
 * character, and there is no raw {@code ;} (a pair separator to Apache HttpClient and older Python).
 * {@code URLDecoder} reads {@code %２Ｅ} (fullwidth digits) as {@code .} and
 * {@code %+0} as a NUL; a body that leaves any such room has no fields. Duplicate names, invalid
 * JSON and text that is not UTF-8 leave none either. Problems name fields but never quote values,
 * since they end up in logs.
 */
public final class BodyParser {

    private static final System.Logger LOG = System.getLogger(BodyParser.class.getName());
    private static final String NOTHING_READ = "no field is read from this body";

    /** What a body parsed into: the fields, the JSON tree for binding, and what went wrong if anything. */
    public static final class Parsed {
        public final FieldMap fields;
        /**
         * Whether the body is one clean JSON object, which {@code OssCallback.bind} then binds by
         * its structure. No tree is kept: most callbacks are never bound, and building one costs
         * more than the whole flat read.
         */
        public final boolean jsonObject;
        /** Null when the body parsed cleanly as its content type says. */
        public final String problem;

        Parsed(FieldMap fields, boolean jsonObject, String problem) {
            this.fields = fields;
            this.jsonObject = jsonObject;
            this.problem = problem;
        }

        /** No fields at all; the problem says why and that nothing was read. */
        public static Parsed unreadable(String why) {
            return new Parsed(FieldMap.EMPTY, false, why + "; " + NOTHING_READ);
        }

        /** The problem without the note that nothing was read, for messages about templates. */
        public String why() {
            return withoutNothingRead(problem);
        }
    }

    private BodyParser() {
    }

    /** A problem as the reason for a refusal, where nothing is delivered at all. */
    public static String withoutNothingRead(String problem) {
        return problem == null || !problem.endsWith(NOTHING_READ)
                ? problem : problem.substring(0, problem.length() - NOTHING_READ.length() - 2);
    }

    /** One line per affected callback: the path and the problem, never body content. */
    public static void warn(String path, String problem) {
        LOG.log(System.Logger.Level.WARNING, "OSS callback to {0} verified, but its body has a problem "
                + "(likely a callbackBody template mistake): {1}", LogSafe.text(path), problem);
    }

    /** The body read as JSON when {@code json}, else as a form. */
    public static Parsed parse(boolean json, byte[] body) {
        return json ? JsonBody.parse(body) : FormBody.parse(body);
    }

    /**
     * Text of bytes known to be ASCII. The constructor with a high byte of zero makes each byte
     * the char of that value, as Latin-1 decoding does, but copies the bytes without going through
     * the charset machinery: a third less time per string, and every field name is one.
     */
    @SuppressWarnings("deprecation")
    public static String ascii(byte[] body, int from, int to) {
        return new String(body, 0, from, to - from);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    /** Whether {@code bytes[from, to)} holds a byte of 0x80 or more; eight bytes at a time. */
    public static boolean hasNonAscii(byte[] bytes, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            if (((long) LONGS.get(bytes, i) & HIGH_BITS) != 0) {
                return true;
            }
        }
        for (; i < to; i++) {
            if (bytes[i] < 0) {
                return true;
            }
        }
        return false;
    }

    private static final long ONES = 0x0101010101010101L;

    /** The high bit of each byte of {@code word} that is zero; exact up to the lowest such byte. */
    private static long zeroBytes(long word) {
        return (word - ONES) & ~word & HIGH_BITS;
    }

    /**
     * The index of the first byte from {@code from} that a form value's scan must look at
     * ({@code &}, {@code ;}, {@code %}, {@code +} or non-ASCII), or the body's length; eight
     * bytes at a time.
     */
    static int formValueStop(byte[] body, int from) {
        int i = from;
        for (; i + Long.BYTES <= body.length; i += Long.BYTES) {
            long word = (long) LONGS.get(body, i);
            long stops = zeroBytes(word ^ 0x2626262626262626L) | zeroBytes(word ^ 0x3b3b3b3b3b3b3b3bL)
                    | zeroBytes(word ^ 0x2525252525252525L) | zeroBytes(word ^ 0x2b2b2b2b2b2b2b2bL) | (word & HIGH_BITS);
            if (stops != 0) {
                return i + (Long.numberOfTrailingZeros(stops) >>> 3);
            }
        }
        for (; i < body.length; i++) {
            byte b = body[i];
            if (b == '&' || b == ';' || b == '%' || b == '+' || b < 0) {
                return i;
            }
        }
        return i;
    }

    /**
     * The index of the first byte from {@code from} that ends plain JSON string text ({@code "},
     * a backslash, a control character or non-ASCII), or the body's length; eight bytes at a time.
     */
    static int jsonStringStop(byte[] body, int from) {
        int i = from;
        for (; i + Long.BYTES <= body.length; i += Long.BYTES) {
            long word = (long) LONGS.get(body, i);
            long stops = zeroBytes(word ^ 0x2222222222222222L) | zeroBytes(word ^ 0x5c5c5c5c5c5c5c5cL)
                    | ((word - 0x2020202020202020L) & ~word & HIGH_BITS) | (word & HIGH_BITS);
            if (stops != 0) {
                return i + (Long.numberOfTrailingZeros(stops) >>> 3);
            }
        }
        for (; i < body.length; i++) {
            byte b = body[i];
            if (b == '"' || b == '\\' || b < 0x20) {
                return i;
            }
        }
        return i;
    }

    /**
     * Room for a field per 16 body bytes (OSS's own variables take 20 or more each), so typical
     * bodies fill the map without growing it, and without a counting pass over the body.
     */
    static int expectedFields(byte[] body) {
        // Not 16ths plus a few: a 64 KiB body would then just pass 4,096 fields and double its index.
        return Math.max(body.length >> 4, 8);
    }

    /** C0, DEL and C1 controls. */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** Thrown inside the readers when the body cannot be read unambiguously; never escapes them. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String problem) {
            super(problem, null, false, false);
        }
    }
}
