package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_CONTENT_TYPE;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a verified body into named fields: form bodies (UTF-8, {@code +} as space) and JSON
 * objects (nested objects flattened to dotted names, so {@code imageInfo.height} works in both).
 * Duplicate names are refused: a callback whose {@code bucket} has two values is ambiguous.
 * Messages never quote body content, since they end up in logs.
 */
final class BodyParser {

    /** What a body parsed into: the fields and, for JSON bodies, the tree for binding. */
    static final class Parsed {
        final Map<String, String> fields;
        final JsonNode json;

        Parsed(Map<String, String> fields, JsonNode json) {
            this.fields = fields;
            this.json = json;
        }
    }

    enum Kind { FORM, JSON }

    private BodyParser() {
    }

    static Kind kindOf(String contentType) throws CallbackRejectedException {
        if (contentType == null || contentType.isBlank()) {
            return Kind.FORM; // OSS's default callbackBodyType
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        if (media.equals("application/x-www-form-urlencoded")) {
            return Kind.FORM;
        }
        if (media.equals("application/json") || (media.startsWith("application/") && media.endsWith("+json"))) {
            return Kind.JSON;
        }
        throw new CallbackRejectedException(UNSUPPORTED_CONTENT_TYPE, "content type '" + LogSafe.text(media)
                + "' is neither application/x-www-form-urlencoded nor application/json");
    }

    static Parsed parse(Kind kind, byte[] body) throws CallbackRejectedException {
        return kind == Kind.FORM ? new Parsed(parseForm(body), null) : parseJson(body);
    }

    static Map<String, String> parseForm(byte[] body) throws CallbackRejectedException {
        Map<String, String> fields = new LinkedHashMap<>();
        FormDecoder decoder = new FormDecoder(body);
        int start = 0;
        int pairIndex = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start, body.length);
            if (end > start) {
                int nameEnd = indexOf(body, (byte) '=', start, end);
                String name = decoder.decode(start, nameEnd, pairIndex);
                String value = nameEnd < end ? decoder.decode(nameEnd + 1, end, pairIndex) : "";
                if (fields.putIfAbsent(name, value) != null) {
                    throw new CallbackRejectedException(MALFORMED_BODY, "form field '" + LogSafe.text(name)
                            + "' appears more than once");
                }
            }
            pairIndex++;
            start = end + 1;
        }
        return fields;
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

    /**
     * Decodes form names and values. Plain ASCII, the common case, becomes a string directly;
     * escapes and {@code +} go through one scratch buffer and a strict UTF-8 decoder per body.
     */
    private static final class FormDecoder {
        private final byte[] body;
        private byte[] scratch;
        private CharBuffer chars;
        private CharsetDecoder utf8;

        FormDecoder(byte[] body) {
            this.body = body;
        }

        String decode(int from, int to, int pairIndex) throws CallbackRejectedException {
            boolean plain = true;
            for (int i = from; i < to && plain; i++) {
                byte b = body[i];
                plain = b != '%' && b != '+' && b >= 0;
            }
            if (plain) {
                // Only ASCII bytes here, so Latin-1 decoding is exact and skips validation.
                return new String(body, from, to - from, StandardCharsets.ISO_8859_1);
            }
            if (scratch == null) {
                scratch = new byte[body.length];
                chars = CharBuffer.allocate(body.length);
                utf8 = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            int n = 0;
            for (int i = from; i < to; i++) {
                byte b = body[i];
                if (b == '+') {
                    scratch[n++] = ' ';
                } else if (b == '%') {
                    int hi = i + 2 < to ? Character.digit(body[i + 1], 16) : -1;
                    int lo = i + 2 < to ? Character.digit(body[i + 2], 16) : -1;
                    if (hi < 0 || lo < 0) {
                        throw new CallbackRejectedException(MALFORMED_BODY, "form pair " + pairIndex
                                + " has an invalid percent escape at byte " + i);
                    }
                    scratch[n++] = (byte) ((hi << 4) | lo);
                    i += 2;
                } else {
                    scratch[n++] = b;
                }
            }
            chars.clear();
            CoderResult result = utf8.reset().decode(ByteBuffer.wrap(scratch, 0, n), chars, true);
            if (!result.isError()) {
                result = utf8.flush(chars);
            }
            if (result.isError()) {
                throw new CallbackRejectedException(MALFORMED_BODY, "form pair " + pairIndex + " is not UTF-8");
            }
            // UTF-8 never decodes to more chars than bytes, so the buffer cannot overflow.
            return new String(chars.array(), 0, chars.position());
        }
    }

    static Parsed parseJson(byte[] body) throws CallbackRejectedException {
        JsonNode tree;
        try {
            tree = JsonCodec.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new CallbackRejectedException(MALFORMED_BODY, "body is not valid JSON" + where);
        } catch (IOException e) {
            throw new CallbackRejectedException(MALFORMED_BODY, "body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            throw new CallbackRejectedException(MALFORMED_BODY, "JSON body is "
                    + (tree == null || tree.isMissingNode() ? "empty" : "a " + tree.getNodeType().name().toLowerCase(Locale.ROOT))
                    + "; a JSON object is expected");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        flatten("", tree, fields);
        return new Parsed(fields, tree);
    }

    private static void flatten(String prefix, JsonNode object, Map<String, String> into)
            throws CallbackRejectedException {
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
            if (into.putIfAbsent(name, text) != null) {
                throw new CallbackRejectedException(MALFORMED_BODY, "JSON field '" + LogSafe.text(name)
                        + "' appears more than once after flattening nested objects");
            }
        }
    }
}
