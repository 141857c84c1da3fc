package io.github.osscallback.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Form bodies under the strict grammar {@link BodyParser} describes: pairs, escapes and UTF-8, and
 * the JSON-substitution reading {@link JsonBody} uses for a form-style template OSS rendered as JSON.
 */
final class FormBody {

    private FormBody() {
    }

    static BodyParser.Parsed parse(byte[] body) {
        if (looksLikeJsonObject(body)) {
            return BodyParser.Parsed.unreadable("form body is a JSON object: the callbackBody template is JSON but "
                    + "callbackBodyType is not application/json");
        }
        Pairs pairs = new Pairs(body, false);
        return pairs.read();
    }

    /** A JSON template sent as a form: braces around the whole body and not a single {@code =}. */
    private static boolean looksLikeJsonObject(byte[] body) {
        int first = 0;
        int last = body.length - 1;
        while (first <= last && isJsonSpace(body[first])) {
            first++;
        }
        while (last >= first && isJsonSpace(body[last])) {
            last--;
        }
        return first < last && body[first] == '{' && body[last] == '}' && indexOf(body, (byte) '=', first, last) == last;
    }

    private static boolean isJsonSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** The index of {@code b} in {@code body[from, to)}, or {@code to}. */
    private static int indexOf(byte[] body, byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (body[i] == b) {
                return i;
            }
        }
        return to;
    }

    /** What a byte of a form name is to the pair scan: most are ordinary. */
    private static final byte ORDINARY = 0;
    /** {@code &} or {@code =}. */
    private static final byte PAIR_END = 1;
    /** {@code ;}, {@code %}, {@code +} or a non-ASCII byte. */
    private static final byte SPECIAL = 2;
    /** An ASCII control character (C0 or DEL). */
    private static final byte CONTROL = 3;
    private static final byte[] NAME_BYTES = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            NAME_BYTES[b] = b == '&' || b == '=' ? PAIR_END
                    : b == ';' || b == '%' || b == '+' || b >= 0x80 ? SPECIAL
                    : b < 0x20 || b == 0x7f ? CONTROL : ORDINARY;
        }
    }

    /**
     * Reads {@code name=value&...} pairs. In plain form mode values are form-encoded. In
     * JSON-substitution mode (a form-style template that OSS rendered with
     * {@code callbackBodyType: application/json}) a value may also be a JSON string literal, as
     * OSS inserts string variables in JSON mode: {@code name="a/b.png"&size=2048}; literal
     * template text (names, bare values) is still read as form text.
     */
    static final class Pairs {
        private final byte[] body;
        private final boolean jsonValues;
        /** Made at the first name or value that needs it: most form bodies have few escapes, JSON ones none. */
        private FormDecoder decoder;

        Pairs(byte[] body, boolean jsonValues) {
            this.body = body;
            this.jsonValues = jsonValues;
        }

        private FormDecoder decoder() {
            if (decoder == null) {
                decoder = new FormDecoder(body);
            }
            return decoder;
        }

        BodyParser.Parsed read() {
            try {
                return new BodyParser.Parsed(readPairs(), false, null);
            } catch (BodyParser.Unreadable e) {
                return BodyParser.Parsed.unreadable(e.getMessage());
            }
        }

        /** The fields, or null in JSON-substitution mode when the body is not of that shape. */
        FieldMap readPairs() throws BodyParser.Unreadable {
            requireUtf8(body);
            FieldMap.Builder fields = FieldMap.builder(BodyParser.expectedFields(body));
            int start = 0;
            int pairIndex = 0;
            while (start <= body.length) {
                int end;
                String name;
                String value;
                if (jsonValues) {
                    int nameEnd = nameEnd(start);
                    if (nameEnd < 0) {
                        return null;
                    }
                    name = decoder().decode(start, nameEnd, pairIndex);
                    requireName(name, pairIndex);
                    int valueStart = nameEnd + 1;
                    if (valueStart < body.length && body[valueStart] == '"') {
                        end = jsonStringEnd(valueStart);
                        if (end < 0) {
                            return null;
                        }
                        value = jsonString(valueStart, end);
                        if (value == null) {
                            return null;
                        }
                        end++;
                        if (end < body.length && body[end] != '&') {
                            return null;
                        }
                    } else {
                        end = indexOf(body, (byte) '&', valueStart, body.length);
                        if (indexOf(body, (byte) '"', valueStart, end) < end) {
                            return null;
                        }
                        value = decoder().decode(valueStart, end, pairIndex);
                    }
                } else {
                    // One pass finds the pair's end and '=', whether name and value need decoding, and
                    // the name's String.hashCode as decoded; problems are reported in body order.
                    int hash = 0;
                    boolean plainName = true;
                    boolean asciiName = true;
                    boolean control = false;
                    end = start;
                    for (; end < body.length; end++) {
                        int b = body[end];
                        int kind = NAME_BYTES[b & 0xff];
                        if (kind != ORDINARY) {
                            if (kind == PAIR_END) {
                                break;
                            }
                            if (kind == CONTROL) {
                                control = true;
                            } else if (b == ';') {
                                throw rawSemicolon(pairIndex, end);
                            } else if (b == '%') {
                                if (!PercentDecoder.startsEscape(body, end, body.length)) {
                                    throw strayPercent(pairIndex, end);
                                }
                                // Two hex digits, which the scan may skip: neither ends a pair nor is refused.
                                b = PercentDecoder.escapedByte(body, end);
                                end += 2;
                                plainName = false;
                                asciiName &= b < 0x80;
                                control |= b < 0x20 || b == 0x7f;
                            } else if (b == '+') {
                                b = ' ';
                                plainName = false;
                            } else {
                                asciiName = false;
                            }
                        }
                        hash = 31 * hash + b;
                    }
                    int nameEnd = end;
                    boolean plainValue = true;
                    // A value whose escapes all decode to ASCII needs no decoding until it is read.
                    boolean asciiEscapedValue = true;
                    if (end < body.length && body[end] == '=') {
                        for (end++; ; end++) {
                            end = BodyParser.formValueStop(body, end);
                            if (end == body.length) {
                                break;
                            }
                            byte b = body[end];
                            if (b == '&') {
                                break;
                            }
                            if (b == ';') {
                                throw rawSemicolon(pairIndex, end);
                            }
                            if (b == '%' && !PercentDecoder.startsEscape(body, end, body.length)) {
                                throw strayPercent(pairIndex, end);
                            }
                            plainValue = false;
                            asciiEscapedValue &= b == '+' || (b == '%' && PercentDecoder.startsAsciiEscape(body, end));
                        }
                    }
                    if (end == start) {
                        pairIndex++;
                        start = end + 1;
                        continue;
                    }
                    if (nameEnd == start) {
                        throw emptyName(pairIndex);
                    }
                    if (asciiName) {
                        if (control) {
                            throw controlInName(pairIndex);
                        }
                        fields.name(body, start, nameEnd, hash, !plainName);
                    } else {
                        name = decoder().decodeEscaped(start, nameEnd, pairIndex);
                        requireName(name, pairIndex);
                        fields.name(name);
                    }
                    int valueStart = Math.min(nameEnd + 1, end);
                    boolean added = plainValue || asciiEscapedValue ? fields.addValueSlice(body, valueStart, end, !plainValue)
                            : fields.addValue(decoder().decodeEscaped(nameEnd + 1, end, pairIndex));
                    if (!added) {
                        throw duplicate(fields.nextName());
                    }
                    pairIndex++;
                    start = end + 1;
                    continue;
                }
                if (!fields.add(name, value)) {
                    throw duplicate(name);
                }
                pairIndex++;
                start = end + 1;
            }
            return fields.build();
        }

        private static BodyParser.Unreadable strayPercent(int pairIndex, int at) {
            return new BodyParser.Unreadable("form pair " + pairIndex + " has a '%' that starts no escape of two ASCII hex digits"
                    + " (byte " + at + "), which decoders read differently (write %25 in the template for a literal '%')");
        }

        static BodyParser.Unreadable rawSemicolon(int pairIndex, int at) {
            return new BodyParser.Unreadable("form pair " + pairIndex + " has a raw ';' (byte " + at + "), which some decoders"
                    + " (Apache HttpClient, older Python) read as a pair separator (write %3B in the template)");
        }

        /** Names every decoder agrees on: not empty (some drop such a pair), no control character. */
        private static void requireName(String name, int pairIndex) throws BodyParser.Unreadable {
            if (name.isEmpty()) {
                throw emptyName(pairIndex);
            }
            for (int i = 0; i < name.length(); i++) {
                if (BodyParser.isControl(name.charAt(i))) {
                    throw controlInName(pairIndex);
                }
            }
        }

        private static BodyParser.Unreadable emptyName(int pairIndex) {
            return new BodyParser.Unreadable("form pair " + pairIndex + " has an empty name, which decoders read differently");
        }

        private static BodyParser.Unreadable controlInName(int pairIndex) {
            return new BodyParser.Unreadable("form pair " + pairIndex + " has a control character in its name");
        }

        private static BodyParser.Unreadable duplicate(String name) {
            return new BodyParser.Unreadable("field '" + LogSafe.text(name) + "' appears more than once, so its value is ambiguous");
        }

        /** The index of the {@code =} ending a name that starts at {@code from}, or -1. */
        private int nameEnd(int from) {
            for (int i = from; i < body.length; i++) {
                byte b = body[i];
                if (b == '=') {
                    return i > from ? i : -1;
                }
                if (b == '&' || b == '"' || b == '{' || b == '}' || (b >= 0 && b < 0x20)) {
                    return -1;
                }
            }
            return -1;
        }

        /** The index of the closing quote of the JSON string opening at {@code open}, or -1. */
        private int jsonStringEnd(int open) {
            for (int i = open + 1; i < body.length; i++) {
                byte b = body[i];
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    return i;
                } else if (b >= 0 && b < 0x20) {
                    return -1;
                }
            }
            return -1;
        }

        /** The JSON string literal {@code body[open..close]} decoded, or null if it is not valid. */
        private String jsonString(int open, int close) throws BodyParser.Unreadable {
            String raw = utf8(body, open + 1, close, -1);
            StringBuilder out = new StringBuilder(raw.length());
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (++i >= raw.length()) {
                    return null;
                }
                char e = raw.charAt(i);
                switch (e) {
                    case '"': case '\\': case '/': out.append(e); break;
                    case 'b': out.append('\b'); break;
                    case 'f': out.append('\f'); break;
                    case 'n': out.append('\n'); break;
                    case 'r': out.append('\r'); break;
                    case 't': out.append('\t'); break;
                    case 'u':
                        if (i + 4 >= raw.length()) {
                            return null;
                        }
                        int code = 0;
                        for (int k = 1; k <= 4; k++) {
                            int d = Character.digit(raw.charAt(i + k), 16);
                            if (d < 0) {
                                return null;
                            }
                            code = code << 4 | d;
                        }
                        out.append((char) code);
                        i += 4;
                        break;
                    default:
                        return null;
                }
            }
            String value = out.toString();
            return wellFormed(value) ? value : null;
        }
    }

    /** True if every surrogate in {@code s} is half of a pair. */
    private static boolean wellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Refuses raw bytes that are not UTF-8 before any escape is decoded: decoders that turn the
     * text into characters first and those that decode escapes to bytes first then read the same.
     */
    private static void requireUtf8(byte[] body) throws BodyParser.Unreadable {
        if (BodyParser.hasNonAscii(body, 0, body.length)) {
            utf8(body, 0, body.length, -2);
        }
    }

    /** Strict UTF-8 of {@code bytes[from, to)}; {@code pairIndex} names the pair in the problem, if any. */
    private static String utf8(byte[] bytes, int from, int to, int pairIndex) throws BodyParser.Unreadable {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new BodyParser.Unreadable((pairIndex >= 0 ? "form pair " + pairIndex : pairIndex == -2 ? "form body" : "a quoted value")
                    + " is not UTF-8");
        }
    }

    /**
     * Decodes form names and values. Plain ASCII, the common case, becomes a string directly;
     * escapes and {@code +} go through one scratch buffer and a strict UTF-8 decoder per body.
     * A {@code %} that starts no escape makes the body unreadable (see the class description).
     */
    private static final class FormDecoder {
        private final byte[] body;
        private byte[] scratch;
        private CharBuffer chars;
        private CharsetDecoder utf8;

        FormDecoder(byte[] body) {
            this.body = body;
        }

        String decode(int from, int to, int pairIndex) throws BodyParser.Unreadable {
            boolean plain = true;
            for (int i = from; i < to; i++) {
                byte b = body[i];
                if (b == '%' && !PercentDecoder.startsEscape(body, i, to)) {
                    throw Pairs.strayPercent(pairIndex, i);
                }
                if (b == ';') {
                    throw Pairs.rawSemicolon(pairIndex, i);
                }
                plain &= b != '%' && b != '+' && b >= 0;
            }
            return plain ? BodyParser.ascii(body, from, to) : decodeEscaped(from, to, pairIndex);
        }

        /** Text with escapes (each already known to be two ASCII hex digits), {@code +} or non-ASCII bytes. */
        private String decodeEscaped(int from, int to, int pairIndex) throws BodyParser.Unreadable {
            if (scratch == null || scratch.length < to - from) {
                // As long as the text at hand, grown as needed: escaped names are short, the body may not be.
                scratch = new byte[Math.max(to - from, scratch == null ? 32 : Math.min(body.length, scratch.length * 2))];
            }
            int n = PercentDecoder.decode(body, from, to, true, scratch);
            if (!BodyParser.hasNonAscii(scratch, 0, n)) {
                // Escaped ASCII (%2F, %3A, +), the usual case: exact as Latin-1, no decoder needed.
                return BodyParser.ascii(scratch, 0, n);
            }
            if (chars == null || chars.capacity() < n) {
                chars = CharBuffer.allocate(Math.max(n, scratch.length));
            }
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            chars.clear();
            CoderResult result = utf8.reset().decode(ByteBuffer.wrap(scratch, 0, n), chars, true);
            if (!result.isError()) {
                result = utf8.flush(chars);
            }
            if (result.isError()) {
                throw new BodyParser.Unreadable("form pair " + pairIndex + " is not UTF-8 once percent-decoded");
            }
            // UTF-8 never decodes to more chars than bytes, so the buffer cannot overflow.
            return new String(chars.array(), 0, chars.position());
        }
    }
}
