package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_CONTENT_TYPE;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
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
        int start = 0;
        int pairIndex = 0;
        while (start <= body.length) {
            int end = indexOf(body, (byte) '&', start);
            if (end > start) {
                int eq = indexOf(body, (byte) '=', start);
                int nameEnd = eq >= 0 && eq < end ? eq : end;
                String name = formDecode(body, start, nameEnd, pairIndex);
                String value = nameEnd < end ? formDecode(body, nameEnd + 1, end, pairIndex) : "";
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

    private static int indexOf(byte[] body, byte b, int from) {
        for (int i = from; i < body.length; i++) {
            if (body[i] == b) {
                return i;
            }
        }
        return body.length;
    }

    private static String formDecode(byte[] body, int from, int to, int pairIndex) throws CallbackRejectedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        for (int i = from; i < to; i++) {
            byte b = body[i];
            if (b == '+') {
                out.write(' ');
            } else if (b == '%') {
                int hi = i + 2 < to ? Character.digit(body[i + 1], 16) : -1;
                int lo = i + 2 < to ? Character.digit(body[i + 2], 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new CallbackRejectedException(MALFORMED_BODY, "form pair " + pairIndex
                            + " has an invalid percent escape at byte " + i);
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                out.write(b);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new CallbackRejectedException(MALFORMED_BODY, "form pair " + pairIndex + " is not UTF-8");
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
