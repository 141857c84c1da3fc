package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every real OSS-signed sample in core's test vectors verifies, and its tampered variants do not. */
class CompatVectorsTest {

    private final CallbackVerifier verifier = CallbackVerifier.builder().remoteKeyFetching(false).build();

    private static List<Path> vectors() throws Exception {
        URL dir = CompatVectorsTest.class.getClassLoader().getResource("vectors");
        assertTrue(dir != null, "core's test vectors are on the test class path");
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(toUri(dir)))) {
            files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().forEach(found::add);
        }
        assertFalse(found.isEmpty(), "no vectors found");
        return found;
    }

    private static java.net.URI toUri(URL url) throws URISyntaxException {
        return url.toURI();
    }

    private static String text(JsonNode vector, String field) {
        JsonNode value = vector.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static CallbackRequest.Builder request(JsonNode vector, String body) {
        CallbackRequest.Builder request = CallbackRequest.builder()
                .method(text(vector, "method"))
                .path(text(vector, "path"))
                .query(text(vector, "query"))
                .header("Authorization", text(vector, "authorization"))
                .header("x-oss-pub-key-url", text(vector, "x_oss_pub_key_url"))
                .body(body.getBytes(StandardCharsets.UTF_8));
        if (text(vector, "content_type") != null) {
            request.header("Content-Type", text(vector, "content_type"));
        }
        return request;
    }

    @TestFactory
    Stream<DynamicTest> realSamplesVerifyAndTamperedOnesDoNot() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : vectors()) {
            JsonNode vector = new ObjectMapper().readTree(file.toFile());
            tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> {
                assertTrue(vector.get("verifies").asBoolean());
                String body = text(vector, "body");
                OssCallback callback = verifier.verify(request(vector, body).build());
                assertEquals(text(vector, "pub_key_url"), callback.keyUrl());
                assertFalse(callback.fields().isEmpty());
                assertFalse(callback.bind(Map.class).isEmpty());
                assertEquals(CallbackRejectedException.Reason.SIGNATURE_MISMATCH,
                        assertThrows(CallbackRejectedException.class,
                                () -> verifier.verify(request(vector, body + " ").build())).reason());
                Signature rsa = Signature.getInstance("MD5withRSA");
                byte[] signature = Base64.getDecoder().decode(text(vector, "authorization"));
                rsa.initVerify(OssKey.PUBLIC_KEY);
                rsa.update(text(vector, "string_to_sign").getBytes(StandardCharsets.UTF_8));
                assertTrue(rsa.verify(signature));
                for (JsonNode variant : vector.get("does_not_verify")) {
                    rsa.initVerify(OssKey.PUBLIC_KEY);
                    rsa.update(variant.asText().getBytes(StandardCharsets.UTF_8));
                    assertFalse(rsa.verify(signature), variant.asText());
                }
            }));
        }
        return tests.stream();
    }
}
