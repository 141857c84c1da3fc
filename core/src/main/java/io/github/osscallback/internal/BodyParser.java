package io.github.osscallback.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a verified body into named fields: form bodies (UTF-8, {@code +} as space) and JSON
 * objects (nested objects flattened to dotted names, so {@code imageInfo.height} works in both).
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

        private Parsed(FieldMap fields, boolean jsonObject, String problem) {
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
        return json ? parseJson(body) : parseForm(body);
    }

    /** Text of bytes known to be ASCII: Latin-1 decoding is then exact and skips validation. */
    public static String ascii(byte[] body, int from, int to) {
        return new String(body, from, to - from, StandardCharsets.ISO_8859_1);
    }

    // --- form ---

    public static Parsed parseForm(byte[] body) {
        if (looksLikeJsonObject(body)) {
            return Parsed.unreadable("form body is a JSON object: the callbackBody template is JSON but "
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

    /** Thrown inside the pair reader when the body cannot be read unambiguously; never escapes it. */
    private static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String problem) {
            super(problem, null, false, false);
        }
    }

    /**
     * Reads {@code name=value&...} pairs. In plain form mode values are form-encoded. In
     * JSON-substitution mode (a form-style template that OSS rendered with
     * {@code callbackBodyType: application/json}) a value may also be a JSON string literal, as
     * OSS inserts string variables in JSON mode: {@code name="a/b.png"&size=2048}; literal
     * template text (names, bare values) is still read as form text.
     */
    private static final class Pairs {
        private final byte[] body;
        private final boolean jsonValues;
        private final FormDecoder decoder;

        Pairs(byte[] body, boolean jsonValues) {
            this.body = body;
            this.jsonValues = jsonValues;
            this.decoder = new FormDecoder(body);
        }

        Parsed read() {
            try {
                return new Parsed(readPairs(), false, null);
            } catch (Unreadable e) {
                return Parsed.unreadable(e.getMessage());
            }
        }

        /** The fields, or null in JSON-substitution mode when the body is not of that shape. */
        FieldMap readPairs() throws Unreadable {
            requireUtf8(body);
            FieldMap.Builder fields = FieldMap.builder(expectedFields(body));
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
                    name = decoder.decode(start, nameEnd, pairIndex);
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
                        value = decoder.decode(valueStart, end, pairIndex);
                    }
                } else {
                    // One pass finds the pair's end and '=', and whether name and value need decoding.
                    int nameEnd = -1;
                    boolean plainName = true;
                    boolean plainValue = true;
                    // A value whose escapes all decode to ASCII needs no decoding until it is read.
                    boolean asciiEscapedValue = true;
                    end = start;
                    for (; end < body.length; end++) {
                        byte b = body[end];
                        if (b == '&') {
                            break;
                        }
                        if (b == '=' && nameEnd < 0) {
                            nameEnd = end;
                        } else if (b == ';') {
                            throw rawSemicolon(pairIndex, end);
                        } else if (b == '%' || b == '+' || b < 0) {
                            if (b == '%' && !PercentDecoder.startsEscape(body, end, body.length)) {
                                throw strayPercent(pairIndex, end);
                            }
                            if (nameEnd < 0) {
                                plainName = false;
                            } else {
                                plainValue = false;
                                asciiEscapedValue &= b == '+' || (b == '%' && PercentDecoder.startsAsciiEscape(body, end));
                            }
                        }
                    }
                    if (end == start) {
                        pairIndex++;
                        start = end + 1;
                        continue;
                    }
                    if (nameEnd < 0) {
                        nameEnd = end;
                    }
                    name = plainName ? ascii(body, start, nameEnd) : decoder.decodeEscaped(start, nameEnd, pairIndex);
                    requireName(name, pairIndex);
                    int valueStart = Math.min(nameEnd + 1, end);
                    boolean added = plainValue ? fields.addSlice(name, body, valueStart, end)
                            : asciiEscapedValue ? fields.addEscapedSlice(name, body, valueStart, end)
                            : fields.add(name, decoder.decodeEscaped(nameEnd + 1, end, pairIndex));
                    if (!added) {
                        throw duplicate(name);
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

        private static Unreadable strayPercent(int pairIndex, int at) {
            return new Unreadable("form pair " + pairIndex + " has a '%' that starts no escape of two ASCII hex digits"
                    + " (byte " + at + "), which decoders read differently (write %25 in the template for a literal '%')");
        }

        static Unreadable rawSemicolon(int pairIndex, int at) {
            return new Unreadable("form pair " + pairIndex + " has a raw ';' (byte " + at + "), which some decoders"
                    + " (Apache HttpClient, older Python) read as a pair separator (write %3B in the template)");
        }

        /** Names every decoder agrees on: not empty (some drop such a pair), no control character. */
        private static void requireName(String name, int pairIndex) throws Unreadable {
            if (name.isEmpty()) {
                throw new Unreadable("form pair " + pairIndex + " has an empty name, which decoders read differently");
            }
            for (int i = 0; i < name.length(); i++) {
                if (isControl(name.charAt(i))) {
                    throw new Unreadable("form pair " + pairIndex + " has a control character in its name");
                }
            }
        }

        private static Unreadable duplicate(String name) {
            return new Unreadable("field '" + LogSafe.text(name) + "' appears more than once, so its value is ambiguous");
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
        private String jsonString(int open, int close) throws Unreadable {
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
    private static void requireUtf8(byte[] body) throws Unreadable {
        for (byte b : body) {
            if (b < 0) {
                utf8(body, 0, body.length, -2);
                return;
            }
        }
    }

    /** C0, DEL and C1 controls. */
    public static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    /** Strict UTF-8 of {@code bytes[from, to)}; {@code pairIndex} names the pair in the problem, if any. */
    private static String utf8(byte[] bytes, int from, int to, int pairIndex) throws Unreadable {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new Unreadable((pairIndex >= 0 ? "form pair " + pairIndex : pairIndex == -2 ? "form body" : "a quoted value")
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

        String decode(int from, int to, int pairIndex) throws Unreadable {
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
            return plain ? ascii(body, from, to) : decodeEscaped(from, to, pairIndex);
        }

        /** Text with escapes (each already known to be two ASCII hex digits), {@code +} or non-ASCII bytes. */
        private String decodeEscaped(int from, int to, int pairIndex) throws Unreadable {
            if (scratch == null) {
                scratch = new byte[body.length];
            }
            int n = PercentDecoder.decode(body, from, to, true, scratch);
            if (isAscii(scratch, n)) {
                // Escaped ASCII (%2F, %3A, +), the usual case: exact as Latin-1, no decoder needed.
                return ascii(scratch, 0, n);
            }
            if (utf8 == null) {
                chars = CharBuffer.allocate(body.length);
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
                throw new Unreadable("form pair " + pairIndex + " is not UTF-8 once percent-decoded");
            }
            // UTF-8 never decodes to more chars than bytes, so the buffer cannot overflow.
            return new String(chars.array(), 0, chars.position());
        }
    }

    private static boolean isAscii(byte[] bytes, int length) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    // --- JSON ---

    public static Parsed parseJson(byte[] body) {
        FieldMap plain = PlainJsonObject.read(body);
        return plain != null ? new Parsed(plain, true, null) : parseJsonWithJackson(body);
    }

    /** Every JSON body, plain or not: what {@link PlainJsonObject} must agree with where it reads one. */
    public static Parsed parseJsonWithJackson(byte[] body) {
        FieldMap flat = readFlatObject(body);
        if (flat != null) {
            return new Parsed(flat, true, null);
        }
        JsonNode tree;
        try {
            tree = JsonCodec.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            Parsed formStyle = formStyleWithJsonValues(body);
            if (formStyle != null) {
                return formStyle;
            }
            return Parsed.unreadable(notJson(e));
        } catch (IOException | IllegalStateException e) {
            return Parsed.unreadable("body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            String type = tree == null || tree.isMissingNode() ? "empty" : tree.getNodeType().name().toLowerCase(Locale.ROOT);
            return Parsed.unreadable("JSON body is "
                    + (type.equals("empty") ? type : ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type)
                    + ", not the JSON object a callbackBody template should produce");
        }
        FieldMap.Builder fields = FieldMap.builder(tree.size());
        try {
            flatten("", tree, fields);
        } catch (Unreadable e) {
            return Parsed.unreadable(e.getMessage());
        }
        return new Parsed(fields.build(), true, null);
    }

    private static String notJson(JsonProcessingException e) {
        String original = e.getOriginalMessage();
        if (original != null && original.startsWith("Duplicate field")) {
            return "JSON body names a field more than once, so its value is ambiguous";
        }
        if (e.getClass().getSimpleName().equals("StreamConstraintsException")) {
            return "JSON body nests deeper or holds a longer number than the parser accepts, which no callbackBody "
                    + "template produces";
        }
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        // Jackson's own message may quote body text, so only the position is reported.
        return "body is not valid JSON" + where + "; OSS signs and delivers the callbackBody template as written, "
                + "so look there for a JSON syntax mistake (such as ',' for ':', or a quoted placeholder: "
                + "OSS quotes string values itself)";
    }

    /**
     * A form-style template sent with {@code callbackBodyType: application/json}: OSS inserts
     * string variables as quoted JSON strings, numbers bare (PROTOCOL.md). Null if the body is not
     * of that shape; an unreadable result if it is, but is ambiguous.
     */
    private static Parsed formStyleWithJsonValues(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        Pairs pairs = new Pairs(body, true);
        FieldMap fields;
        try {
            fields = pairs.readPairs();
        } catch (Unreadable e) {
            return Parsed.unreadable("JSON body is form-style name=value pairs, and " + e.getMessage());
        }
        if (fields == null) {
            return null;
        }
        String problem = "JSON body is form-style name=value pairs: the callbackBody template is written for a form, "
                + "but callbackBodyType is application/json, so OSS quoted the string values; they were read "
                + "with the quotes removed";
        return new Parsed(fields, false, problem);
    }

    /**
     * The common case, a clean JSON object, read in one streaming pass into the same fields that
     * {@link #flatten} gives. Null for anything else (invalid, duplicate or ambiguous names, not
     * an object, trailing content): the tree-based path then decides, and words the problem.
     */
    private static FieldMap readFlatObject(byte[] body) {
        try (JsonParser parser = JsonCodec.MAPPER.createParser(body)) {
            // readFlat finds repeated names itself, with the map it fills anyway.
            parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            FieldMap.Builder fields = FieldMap.builder(expectedFields(body));
            if (!readFlat(parser, "", fields) || parser.nextToken() != null) {
                return null;
            }
            return fields.build();
        } catch (IOException | IllegalStateException e) {
            // Jackson before 2.16 reports a symbol table flooded with colliding names as an IllegalStateException.
            return null;
        }
    }

    /**
     * Room for a field per 16 body bytes (OSS's own variables take 20 or more each), so typical
     * bodies fill the map without growing it, and without a counting pass over the body.
     */
    public static int expectedFields(byte[] body) {
        return (body.length >> 4) + 4;
    }

    /**
     * Reads the rest of an object whose START_OBJECT was just read; false where the slow path must
     * decide, including a name given twice in one object (as Jackson's duplicate detection would
     * find it): a second scalar is caught by the map, and names holding an object or null, which
     * leave no entry of their own, are remembered per object.
     */
    private static boolean readFlat(JsonParser parser, String prefix, FieldMap.Builder into) throws IOException {
        // The field index, not a HashSet: these names are the uploader's and may share a String.hashCode.
        FieldMap.Builder withoutEntry = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String own = parser.currentName();
            String name = prefix.isEmpty() ? own : prefix + own;
            JsonToken value = parser.nextToken();
            String text;
            switch (value) {
                case START_OBJECT:
                case VALUE_NULL:
                    if (withoutEntry == null) {
                        withoutEntry = FieldMap.builder(4);
                    }
                    if (into.contains(name) || !withoutEntry.add(own, null)) {
                        return false;
                    }
                    if (value == JsonToken.START_OBJECT && !readFlat(parser, name + ".", into)) {
                        return false;
                    }
                    continue;
                case VALUE_STRING:
                    text = parser.getText();
                    break;
                case VALUE_TRUE:
                    text = "true";
                    break;
                case VALUE_FALSE:
                    text = "false";
                    break;
                case VALUE_NUMBER_INT:
                    text = integerText(parser);
                    break;
                default:
                    // Fractions and arrays: as the tree would print them, which is rare enough to build one.
                    JsonNode node = parser.readValueAsTree();
                    text = node.isValueNode() ? node.asText() : node.toString();
            }
            if ((withoutEntry != null && withoutEntry.contains(own)) || !into.add(name, text)) {
                return false;
            }
        }
        return parser.currentToken() == JsonToken.END_OBJECT;
    }

    /** An integer as a tree's node would print it (so {@code -0} reads {@code 0}). */
    private static String integerText(JsonParser parser) throws IOException {
        switch (parser.getNumberType()) {
            case INT:
                return Integer.toString(parser.getIntValue());
            case LONG:
                return Long.toString(parser.getLongValue());
            default:
                return parser.getBigIntegerValue().toString();
        }
    }

    private static void flatten(String prefix, JsonNode object, FieldMap.Builder into) throws Unreadable {
        Iterator<Map.Entry<String, JsonNode>> it = object.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> field = it.next();
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(name + ".", value, into);
                continue;
            }
            if (value.isNull()) {
                continue;
            }
            String text = value.isValueNode() ? value.asText() : value.toString();
            if (!into.add(name, text)) {
                throw new Unreadable("JSON field '" + LogSafe.text(name) + "' appears more than once after flattening "
                        + "nested objects, so its value is ambiguous");
            }
        }
    }
}
