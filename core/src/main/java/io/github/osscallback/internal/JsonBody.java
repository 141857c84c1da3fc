package io.github.osscallback.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * JSON bodies: a plain flat object read by {@link PlainJsonObject} on the fast path, anything else
 * by Jackson with nested objects flattened to dotted names, and a form-style template that OSS
 * rendered as JSON read as such.
 */
final class JsonBody {

    private static final String REPEATED_NAME = "JSON body names a field more than once, so its value is ambiguous";

    private JsonBody() {
    }

    static BodyParser.Parsed parse(byte[] body) {
        FieldMap plain = PlainJsonObject.read(body);
        return plain != null ? new BodyParser.Parsed(plain, true, null) : parseWithJackson(body);
    }

    /** Every JSON body, plain or not: what {@link PlainJsonObject} must agree with where it reads one. */
    static BodyParser.Parsed parseWithJackson(byte[] body) {
        FieldMap flat = readFlatObject(body);
        if (flat != null) {
            return new BodyParser.Parsed(flat, true, null);
        }
        if (repeatsAName(body)) {
            // Where the tree's parser, which refuses repeated names, would stop with the same outcome;
            // found without building the tree, whose objects are hash maps that names sharing a
            // String.hashCode slow down.
            return formStyleOr(body, REPEATED_NAME);
        }
        return parseTree(body);
    }

    /** A body the streaming read left to the tree, read into one: what {@link #repeatsAName} must agree with. */
    static BodyParser.Parsed parseTree(byte[] body) {
        JsonNode tree;
        try {
            tree = JsonCodec.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return formStyleOr(body, notJson(e));
        } catch (IOException | IllegalStateException e) {
            return BodyParser.Parsed.unreadable("body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            String type = tree == null || tree.isMissingNode() ? "empty" : tree.getNodeType().name().toLowerCase(Locale.ROOT);
            return BodyParser.Parsed.unreadable("JSON body is "
                    + (type.equals("empty") ? type : ("aeiou".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type)
                    + ", not the JSON object a callbackBody template should produce");
        }
        FieldMap.Builder fields = FieldMap.builder(tree.size());
        try {
            flatten("", tree, fields);
        } catch (BodyParser.Unreadable e) {
            return BodyParser.Parsed.unreadable(e.getMessage());
        }
        return new BodyParser.Parsed(fields.build(), true, null);
    }

    /** A body JSON cannot read: a form-style template rendered as JSON if it is one, else no fields, for {@code why}. */
    private static BodyParser.Parsed formStyleOr(byte[] body, String why) {
        BodyParser.Parsed formStyle = formStyleWithJsonValues(body);
        return formStyle != null ? formStyle : BodyParser.Parsed.unreadable(why);
    }

    private static String notJson(JsonProcessingException e) {
        String original = e.getOriginalMessage();
        if (original != null && original.startsWith("Duplicate field")) {
            return REPEATED_NAME;
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
    private static BodyParser.Parsed formStyleWithJsonValues(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        FormBody.Pairs pairs = new FormBody.Pairs(body, true);
        FieldMap fields;
        try {
            fields = pairs.readPairs();
        } catch (BodyParser.Unreadable e) {
            return BodyParser.Parsed.unreadable("JSON body is form-style name=value pairs, and " + e.getMessage());
        }
        if (fields == null) {
            return null;
        }
        String problem = "JSON body is form-style name=value pairs: the callbackBody template is written for a form, "
                + "but callbackBodyType is application/json, so OSS quoted the string values; they were read "
                + "with the quotes removed";
        return new BodyParser.Parsed(fields, false, problem);
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
            FieldMap.Builder fields = FieldMap.builder(BodyParser.expectedFields(body));
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

    /**
     * Whether an object of the body (at any depth, in arrays too) names a field twice before the
     * body ends or turns out invalid: where a parser with duplicate detection, as the tree's is,
     * stops. Each object's names go into a field index, which stays linear for colliding names
     * (Jackson's own detection keeps them in a {@code HashSet}).
     */
    private static boolean repeatsAName(byte[] body) {
        try (JsonParser parser = JsonCodec.MAPPER.createParser(body)) {
            parser.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            ArrayDeque<FieldMap.Builder> objects = new ArrayDeque<>();
            // Only the first value: the tree's reader refuses what follows it as trailing tokens.
            int depth = 0;
            do {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    return false;
                }
                if (token == JsonToken.START_OBJECT) {
                    objects.push(FieldMap.builder(objects.isEmpty() ? BodyParser.expectedFields(body) : 4));
                    depth++;
                } else if (token == JsonToken.END_OBJECT) {
                    objects.pop();
                    depth--;
                } else if (token == JsonToken.START_ARRAY) {
                    depth++;
                } else if (token == JsonToken.END_ARRAY) {
                    depth--;
                } else if (token == JsonToken.FIELD_NAME && !objects.peek().add(parser.currentName(), null)) {
                    return true;
                }
            } while (depth > 0);
            return false;
        } catch (IOException | RuntimeException e) {
            // Invalid before any repeat (or, before Jackson 2.16, a flooded symbol table): the tree path words it.
            return false;
        }
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

    private static void flatten(String prefix, JsonNode object, FieldMap.Builder into) throws BodyParser.Unreadable {
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
                throw new BodyParser.Unreadable("JSON field '" + LogSafe.text(name) + "' appears more than once after flattening "
                        + "nested objects, so its value is ambiguous");
            }
        }
    }
}
