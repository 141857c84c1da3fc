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
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * The signed request from OSS's "Callback" API reference (vectors/oss-doc-sample.json), a real
 * OSS signature under the real OSS key. It verifies through the default verifier with no network
 * (the OSS key is pinned), and every tampered variant fails.
 */
class OssApiReferenceSampleTest {

    private static final JsonNode SAMPLE = load("vectors/oss-doc-sample.json");
    private final CallbackVerifier verifier = CallbackVerifier.builder().remoteKeyFetching(false).build();

    private static JsonNode load(String resource) {
        try (InputStream in = OssApiReferenceSampleTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(String field) {
        return SAMPLE.get(field).asText();
    }

    private static CallbackRequest.Builder sample() {
        return sampleWith(text("path"), text("query"), text("body").getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sampleBody() {
        return text("body").getBytes(StandardCharsets.UTF_8);
    }

    /** The sample's method and headers (signature included) with another path, query or body. */
    private static CallbackRequest.Builder sampleWith(String path, String query, byte[] body) {
        return CallbackRequest.builder()
                .method(text("method"))
                .path(path)
                .query(query)
                .header("Authorization", text("authorization"))
                .header("x-oss-pub-key-url", text("x_oss_pub_key_url"))
                .header("Content-Type", text("content_type"))
                .body(body);
    }

    @Test
    void sampleVerifiesWithThePinnedOssKey() throws Exception {
        OssCallback callback = verifier.verify(sample().build());
        assertEquals("yonghu-test", callback.bucket().orElseThrow());
        assertEquals(text("pub_key_url"), callback.keyUrl());
        assertEquals("id=1&index=2", callback.query().orElseThrow());
    }

    @Test
    void shippedKeyIsTheVectorKey() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("vectors/callback_pub_key_v1.pem")) {
            PublicKey vectorKey = PemKeys.parse(in.readAllBytes());
            assertEquals(vectorKey, OssKey.PUBLIC_KEY);
        }
    }

    @Test
    void stringToSignIsPathQueryNewlineBody() {
        byte[] built = StringToSign.of(text("path"), text("query"), text("body").getBytes(StandardCharsets.UTF_8))
                .primaryBytes();
        assertEquals(text("string_to_sign"), new String(built, StandardCharsets.UTF_8));
    }

    @Test
    void documentedStringToSignVerifiesAndEachListedVariantDoesNot() throws Exception {
        assertTrue(rawVerify(text("string_to_sign")));
        for (JsonNode variant : SAMPLE.get("does_not_verify")) {
            assertFalse(rawVerify(variant.asText()), variant.asText());
        }
    }

    private static boolean rawVerify(String stringToSign) throws Exception {
        Signature s = Signature.getInstance("MD5withRSA");
        s.initVerify(OssKey.PUBLIC_KEY);
        s.update(stringToSign.getBytes(StandardCharsets.UTF_8));
        return s.verify(Base64.getDecoder().decode(text("authorization")));
    }

    @Test
    void everyTamperedRequestFailsThroughTheVerifier() throws Exception {
        SpecVector.load("vectors/oss-doc-sample.json").assertOnlyTheGenuineRequestVerifies(verifier, OssKey.PUBLIC_KEY);
    }

    @Test
    void rejectsSampleWithTrailingNewlineInBody() {
        assertMismatch(sampleWith(text("path"), text("query"), "bucket=yonghu-test\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rejectsSampleWithAnotherBucket() {
        assertMismatch(sampleWith(text("path"), text("query"), "bucket=examplebucket".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rejectsSampleWithoutItsQuery() {
        assertMismatch(sampleWith(text("path"), null, sampleBody()));
    }

    @Test
    void rejectsSampleWithAnotherQuery() {
        assertMismatch(sampleWith(text("path"), "id=1&index=3", sampleBody()));
    }

    @Test
    void rejectsSampleWithAnotherPath() {
        assertMismatch(sampleWith("/index.php5", text("query"), sampleBody()));
    }

    @Test
    void rejectsSampleWithOneSignatureByteChanged() {
        byte[] signature = Base64.getDecoder().decode(text("authorization"));
        for (int i : new int[] {0, 31, signature.length - 1}) {
            byte[] tampered = signature.clone();
            tampered[i] ^= 0x01;
            CallbackRequest.Builder request = CallbackRequest.builder()
                    .path(text("path")).query(text("query"))
                    .header("authorization", Base64.getEncoder().encodeToString(tampered))
                    .header("x-oss-pub-key-url", text("x_oss_pub_key_url"))
                    .body(text("body").getBytes(StandardCharsets.UTF_8));
            assertMismatch(request);
        }
    }

    @Test
    void rejectsSampleWithTruncatedSignature() {
        byte[] signature = Base64.getDecoder().decode(text("authorization"));
        byte[] truncated = java.util.Arrays.copyOf(signature, signature.length - 1);
        assertMismatch(CallbackRequest.builder()
                .path(text("path")).query(text("query"))
                .header("authorization", Base64.getEncoder().encodeToString(truncated))
                .header("x-oss-pub-key-url", text("x_oss_pub_key_url"))
                .body(text("body").getBytes(StandardCharsets.UTF_8)));
    }

    private void assertMismatch(CallbackRequest.Builder request) {
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                () -> verifier.verify(request.build()));
        assertEquals(CallbackRejectedException.Reason.SIGNATURE_MISMATCH, e.reason());
    }
}
