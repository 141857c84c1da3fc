package io.github.osscallback.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssTemplate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The callback OSS makes after a browser used a policy from {@code serve}'s {@code /upload/policy}:
 * the policy's template rendered with its {@code x:} variables and the upload's facts, signed.
 * Whoever copies the form's fields (the upload token among them) can have OSS render other facts.
 */
final class PolicyCallback {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PolicyCallback() {
    }

    /** A fresh policy from a running {@code serve --upload-url}. */
    static JsonNode policy(HttpClient http, ServeProcess serve) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(serve.base() + "/upload/policy"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("policy: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** The body OSS renders for an upload of {@code object} ({@code size} bytes) with this policy's fields. */
    static String body(JsonNode policy, String bucket, String object, String size, String mimeType) throws Exception {
        JsonNode fields = policy.get("fields");
        JsonNode callback = JSON.readTree(Base64.getDecoder().decode(fields.get("callback").asText()));
        Map<String, String> values = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = fields.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().startsWith("x:")) {
                values.put(field.getKey(), field.getValue().asText());
            }
        }
        values.put("bucket", bucket);
        values.put("object", object);
        values.put("size", size);
        values.put("mimeType", mimeType);
        return OssTemplate.renderForm(callback.get("callbackBody").asText(), values);
    }

    /** POSTs {@code body} to {@code path}, signed by {@code oss} as OSS signs callbacks. */
    static HttpResponse<String> post(HttpClient http, ServeProcess serve, OssCallbackSigner oss, String keyUrl,
                                     String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serve.base() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        oss.headers(keyUrl, path, null, "application/x-www-form-urlencoded", bytes).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
