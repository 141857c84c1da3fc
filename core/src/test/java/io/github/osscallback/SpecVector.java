package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One signed request from {@code src/test/resources/vectors} (copies of ../shared/vectors): the
 * request as OSS sent it, and the tampered variants every vector test runs through a verifier.
 */
final class SpecVector {

    private final JsonNode json;

    private SpecVector(JsonNode json) {
        this.json = json;
    }

    static SpecVector load(String resource) {
        try (InputStream in = SpecVector.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            return new SpecVector(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String text(String field) {
        JsonNode value = json.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    byte[] body() {
        return text("body").getBytes(StandardCharsets.UTF_8);
    }

    byte[] signature() {
        return Base64.getDecoder().decode(text("authorization"));
    }

    List<String> doesNotVerify() {
        List<String> variants = new ArrayList<>();
        json.get("does_not_verify").forEach(v -> variants.add(v.asText()));
        return variants;
    }

    /** The request exactly as OSS sent it. */
    CallbackRequest.Builder request() {
        return request(text("path"), text("query"), body(), text("authorization"));
    }

    CallbackRequest.Builder request(String path, String query, byte[] body, String authorization) {
        return CallbackRequest.builder()
                .method(text("method"))
                .path(path)
                .query(query)
                .header("Authorization", authorization)
                .header("x-oss-pub-key-url", text("x_oss_pub_key_url"))
                .header("Content-Type", text("content_type"))
                .body(body);
    }

    /** MD5withRSA over exactly {@code stringToSign}, outside the verifier. */
    boolean rawVerifies(PublicKey key, String stringToSign) throws Exception {
        Signature s = Signature.getInstance(StringToSign.ALGORITHM);
        s.initVerify(key);
        s.update(stringToSign.getBytes(StandardCharsets.UTF_8));
        return s.verify(signature());
    }

    /**
     * Requests that differ from the genuine one in a single way: each body byte flipped, the path
     * changed or extended, a query added (or, with one, removed or changed), a signature byte
     * changed, the signature truncated.
     */
    List<CallbackRequest.Builder> tamperedRequests() {
        List<CallbackRequest.Builder> out = new ArrayList<>();
        String path = text("path");
        String query = text("query");
        String auth = text("authorization");
        byte[] body = body();
        for (int i = 0; i < body.length; i++) {
            byte[] flipped = body.clone();
            flipped[i] ^= 0x01;
            out.add(request(path, query, flipped, auth));
        }
        out.add(request(path + "x", query, body, auth));
        out.add(request(path + "/", query, body, auth));
        out.add(request(path.substring(0, path.length() - 1) + (path.endsWith("a") ? "b" : "a"), query, body, auth));
        out.add(request("/x" + path, query, body, auth));
        if (query == null) {
            out.add(request(path, "a=1", body, auth));
        } else {
            out.add(request(path, null, body, auth));
            out.add(request(path, query + "&a=1", body, auth));
            out.add(request(path, query.substring(0, query.length() - 1) + "9", body, auth));
        }
        byte[] signature = signature();
        for (int i : new int[] {0, 1, signature.length / 2, signature.length - 1}) {
            byte[] tampered = signature.clone();
            tampered[i] ^= 0x01;
            out.add(request(path, query, body, Base64.getEncoder().encodeToString(tampered)));
        }
        byte[] truncated = java.util.Arrays.copyOf(signature, signature.length - 1);
        out.add(request(path, query, body, Base64.getEncoder().encodeToString(truncated)));
        return out;
    }

    /** Checks the documented string to sign, each listed variant, and every tampered request. */
    void assertOnlyTheGenuineRequestVerifies(CallbackVerifier verifier, PublicKey key) throws Exception {
        assertTrue(rawVerifies(key, text("string_to_sign")));
        for (String variant : doesNotVerify()) {
            assertFalse(rawVerifies(key, variant), variant);
        }
        for (CallbackRequest.Builder tampered : tamperedRequests()) {
            CallbackRequest request = tampered.build();
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> verifier.verify(request),
                    request::toString);
            assertEquals(CallbackRejectedException.Reason.SIGNATURE_MISMATCH, e.reason(), request.toString());
        }
    }
}
