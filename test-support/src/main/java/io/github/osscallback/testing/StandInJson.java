package io.github.osscallback.testing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The stand-in's JSON needs: is a callback reply JSON, and the callback parameter objects. */
final class StandInJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StandInJson() {
    }

    /** Whether the bytes are one complete JSON value, as OSS requires of a callback reply. */
    static boolean isJson(byte[] data) {
        try {
            JsonNode node = MAPPER.readTree(data);
            return node != null && !node.isMissingNode();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The JSON tree of a text.
     *
     * @throws IllegalArgumentException if the text is not JSON
     */
    static JsonNode tree(String json) {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw new IllegalArgumentException("empty");
            }
            return node;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
    }

    /**
     * A JSON object's members, values as text (strings as they are, other values as JSON).
     *
     * @throws IllegalArgumentException if the text is no JSON object
     */
    static Map<String, String> object(String json) {
        JsonNode node;
        try {
            node = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Map<String, String> members = new LinkedHashMap<>();
        // fieldNames(), not fields() (deprecated in new Jackson) or properties() (missing before 2.15).
        node.fieldNames().forEachRemaining(name -> {
            JsonNode value = node.get(name);
            members.put(name, value.isTextual() ? value.textValue() : value.toString());
        });
        return members;
    }
}
