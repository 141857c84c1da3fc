package io.github.osscallback.internal;

import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query as the verifier reads it, and the rule that keeps the uploader-chosen query from
 * speaking for a signed body field. Servlet parameters merge query and form body with the query
 * first, and JAX-RS runtimes fall back to the same merged view, so a query {@code object=...}
 * beside a body {@code object=...} would show the application two answers to one question. A
 * callback whose query names a body field, under any decoder an application may have in front
 * of it, is refused instead.
 */
public final class QueryNames {

    private QueryNames() {
    }

    /**
     * The first query parameter name that, as sent or as any decoder in use may read it, is the
     * name of a body field; null when there is none. Such a callback is refused as ambiguous.
     */
    public static String overlapping(String rawQuery, Set<String> fieldNames) {
        if (rawQuery == null || rawQuery.isEmpty() || fieldNames.isEmpty()) {
            return null;
        }
        for (String[] pair : pairs(rawQuery)) {
            String name = pair[0];
            if (!name.isEmpty() && anyReadingIsIn(name, fieldNames)) {
                return name;
            }
        }
        return null;
    }

    /**
     * The query's parameters in the one reading every adapter exposes: names and values form-decoded
     * as UTF-8 ({@code +} as space), in query order. A pair that does not decode under the strict
     * grammar of form bodies (a {@code %} that starts no escape of two ASCII hex digits, text that
     * is not UTF-8, an empty name or a control character in it) is left out rather than guessed at.
     */
    public static Map<String, List<String>> parameters(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String[] pair : pairs(rawQuery)) {
            String name = strict(pair[0]);
            String value = strict(pair[1]);
            if (name == null || value == null || name.isEmpty() || hasControl(name)) {
                continue;
            }
            out.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
        }
        out.replaceAll((name, values) -> List.copyOf(values));
        return Collections.unmodifiableMap(out);
    }

    /** Raw name and value of each non-empty {@code &}-separated pair; a pair without {@code =} has an empty value. */
    private static List<String[]> pairs(String rawQuery) {
        List<String[]> pairs = new ArrayList<>();
        int start = 0;
        while (start <= rawQuery.length()) {
            int end = rawQuery.indexOf('&', start);
            if (end < 0) {
                end = rawQuery.length();
            }
            if (end > start) {
                int eq = rawQuery.indexOf('=', start);
                pairs.add(eq >= 0 && eq < end
                        ? new String[] {rawQuery.substring(start, eq), rawQuery.substring(eq + 1, end)}
                        : new String[] {rawQuery.substring(start, end), ""});
            }
            start = end + 1;
        }
        return pairs;
    }

    /** The strict form reading of one component, or null where decoders could disagree on it. */
    public static String strict(String raw) {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '%' && !PercentDecoder.startsEscape(bytes, i, bytes.length)) {
                return null;
            }
        }
        byte[] decoded = PercentDecoder.decode(raw, true);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static boolean hasControl(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (BodyParser.isControl(name.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the name, as sent or as any decoder an application may use reads it, is one of
     * {@code names}: ours (UTF-8 or ISO-8859-1, a stray {@code %} kept), {@code URLDecoder} (which
     * takes any Unicode digit, and a sign, as a hex digit), decoders that accept any Unicode hex
     * digit, and Jetty's, whose arithmetic hex reading also takes {@code :;<=>?@`} and some controls.
     */
    private static boolean anyReadingIsIn(String name, Set<String> names) {
        if (names.contains(name)) {
            return true;
        }
        if (name.indexOf('%') < 0 && name.indexOf('+') < 0) {
            return false;
        }
        for (Charset charset : new Charset[] {StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1}) {
            if (names.contains(new String(PercentDecoder.decode(name, true), charset))
                    || names.contains(urlDecoder(name, charset))
                    || names.contains(decodeWith(name, charset, HexReading.UNICODE))
                    || names.contains(decodeWith(name, charset, HexReading.JETTY))) {
                return true;
            }
        }
        return false;
    }

    private static String urlDecoder(String name, Charset charset) {
        try {
            return URLDecoder.decode(name, charset);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Ways decoders in use read a character as a hex digit, beyond ASCII's {@code 0-9a-fA-F}. */
    private enum HexReading {
        /** {@code Character.digit(c, 16)}: fullwidth and other Unicode digits and letters. */
        UNICODE {
            @Override
            int value(char c) {
                return Character.digit(c, 16);
            }
        },
        /** Jetty's {@code TypeUtil.convertHexDigit}: arithmetic on the character's bits, checked only for range. */
        JETTY {
            @Override
            int value(char c) {
                int d = (c & 0x1f) + (c >> 6) * 0x19 - 0x10;
                return d >= 0 && d <= 15 ? d : -1;
            }
        };

        abstract int value(char c);
    }

    /** Form decoding with {@code reading}'s idea of a hex digit; a {@code %} it cannot read stays as sent. */
    private static String decodeWith(String raw, Charset charset, HexReading reading) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i += Character.charCount(raw.codePointAt(i))) {
            int c = raw.codePointAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                int hi = reading.value(raw.charAt(i + 1));
                int lo = reading.value(raw.charAt(i + 2));
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out.writeBytes(Character.toString(c == '+' ? ' ' : c).getBytes(charset));
        }
        return new String(out.toByteArray(), charset);
    }
}
