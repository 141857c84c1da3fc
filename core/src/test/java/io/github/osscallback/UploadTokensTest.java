package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BUCKET_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_EXPIRED;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_INVALID;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_MISSING;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_UNKNOWN_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.internal.TokenFormat;
import io.github.osscallback.spi.VerifierSettings;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssTemplate;
import io.github.osscallback.upload.CallbackParameters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upload tokens bind a callback to an upload the application issued (docs/protocol.md in the repository, threat model):
 * issued with the upload parameters, rendered by OSS into the body, checked after the signature.
 */
class UploadTokensTest {

    static final String KEY_URL = "https://keys.test/oss/key.pem";
    static final byte[] SECRET_1 = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] SECRET_2 = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private final UploadTokens tokens = UploadTokens.builder().signingKey("k1", SECRET_1).clock(clock).build();

    private CallbackVerifier verifier(UploadTokens checking) {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, oss.publicKeyPem())
                .remoteKeyFetching(false)
                .uploadTokens(checking)
                .clock(clock)
                .build();
    }

    /** What OSS sends after an upload of {@code object} to {@code bucket} with these parameters. */
    private CallbackRequest ossCallback(CallbackParameters params, String bucket, String object) {
        Map<String, String> values = new java.util.HashMap<>(params.customVariables());
        values.put("bucket", bucket);
        values.put("object", object);
        values.put("size", "100");
        String body = OssTemplate.renderForm(callbackBody(params), values);
        return oss.request(KEY_URL, "/cb", null, "application/x-www-form-urlencoded",
                body.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static String callbackBody(CallbackParameters params) {
        try {
            return JsonCodec.MAPPER.readTree(params.callbackJson()).get("callbackBody").asText();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private CallbackParameters params(String token) {
        return CallbackParameters.builder().callbackUrl("https://app.test/cb")
                .callbackBody("size=${size}").uploadToken(token).build();
    }

    private CallbackRejectedException.Reason rejection(CallbackVerifier v, CallbackRequest request) {
        return assertThrows(CallbackRejectedException.class, () -> v.verify(request)).reason();
    }

    @Test
    void roundTripExposesTheVerifiedSubject() throws Exception {
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", "user-42", Duration.ofMinutes(15));
        OssCallback callback = verifier(tokens).verify(ossCallback(params(token), "photos", "users/42/cat.jpg"));
        assertEquals("user-42", callback.uploadSubject().orElseThrow());
        assertEquals("users/42/cat.jpg", callback.object().orElseThrow());
    }

    @Test
    void builderAddsTokenAndRealBucketAndObjectPlaceholders() {
        String body = callbackBody(params("t"));
        assertEquals("size=${size}&bucket=${bucket}&object=${object}&upload_token=${x:upload_token}", body);
        CallbackParameters keeps = CallbackParameters.builder().callbackUrl("https://app.test/cb")
                .callbackBody("filename=${object}").uploadToken("t").build();
        assertEquals("filename=${object}&bucket=${bucket}&upload_token=${x:upload_token}", callbackBody(keeps));
        CallbackParameters json = CallbackParameters.builder().callbackUrl("https://app.test/cb")
                .bodyType(BodyType.JSON).callbackBody("{\"size\":${size}}").uploadToken("t").build();
        assertEquals("{\"size\":${size},\"bucket\":${bucket},\"object\":${object},\"upload_token\":${x:upload_token}}",
                callbackBody(json));
    }

    @Test
    void rejectsConstantBucketWithTokenForAnotherObject() {
        // An OSS account holder's own template: constant bucket, a token they got for another object.
        String token = tokens.issueForObject("photos", "users/7/own.jpg", "user-7", Duration.ofMinutes(15));
        String body = "bucket=photos&object=users%2F42%2Fcat.jpg&upload_token=" + token;
        CallbackRequest forged = oss.request(KEY_URL, "/cb", null, null, body.getBytes(StandardCharsets.UTF_8)).build();
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), forged));
    }

    @Test
    void rejectsCallbackForAnotherObject() {
        String token = tokens.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(15));
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", "b.jpg")));
    }

    @Test
    void rejectsCallbackForAnotherBucket() {
        String token = tokens.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(15));
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "other", "a.jpg")));
    }

    @Test
    void acceptsObjectUnderIssuedPrefixOnly() throws Exception {
        String token = tokens.issueForPrefix("photos", "users/42/", "user-42", Duration.ofMinutes(15));
        verifier(tokens).verify(ossCallback(params(token), "photos", "users/42/x/y.png"));
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", "users/43/y.png")));
    }

    @Test
    void prefixMatchesOnlyOnASegmentBoundary() throws Exception {
        String token = tokens.issueForPrefix("photos", "users/4/", "user-4", Duration.ofMinutes(15));
        verifier(tokens).verify(ossCallback(params(token), "photos", "users/4/x"));
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", "users/42/x")));
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", "users/4")));
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", "users/4/")));
    }

    @Test
    void prefixWithoutTrailingSlashInAGenuineTokenStillMatchesOnlyOnABoundary() throws Exception {
        // Such tokens cannot be issued any more; one signed by hand (as an older version could) is
        // still held to the boundary.
        String token = resigned(withPayload(tokens.issueForPrefix("photos", "users/4/", null, Duration.ofMinutes(15)),
                p -> p.put("p", "users/4")));
        verifier(tokens).verify(ossCallback(params(token), "photos", "users/4/x"));
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", "users/42/x")));
    }

    private static String resigned(String token) throws Exception {
        String signedPart = token.substring(0, token.lastIndexOf('.'));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET_1, "HmacSHA256"));
        return signedPart + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(signedPart.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void prefixWithoutTrailingSlashIsRefusedAtIssue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tokens.issueForPrefix("photos", "users/4", null, Duration.ofMinutes(15)));
        assertTrue(e.getMessage().contains("must end with '/'"), e.getMessage());
        for (String bad : new String[] {"/users/4/", "users//4/", "users/./4/", "users/../4/", "users\\4/", "/", "../"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> tokens.issueForPrefix("photos", bad, null, Duration.ofMinutes(15)), bad);
        }
    }

    @Test
    void prefixTokenRefusesTraversalAndOddSegments() throws Exception {
        String token = tokens.issueForPrefix("photos", "users/42/", "user-42", Duration.ofMinutes(15));
        for (String object : new String[] {"users/42/../43/secret", "users/42/..", "users/42/./x", "users/42/.",
            "users/42//x", "users/42/x/", "users/42/x//y", "users/42/x\\..\\..\\43\\secret", "users/42/a\\b"}) {
            assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", object)),
                    object);
        }
        // Dots inside a segment are ordinary names.
        verifier(tokens).verify(ossCallback(params(token), "photos", "users/42/..x/a.b/...jpg"));
    }

    @Test
    void prefixTokenRefusesControlCharactersThatAnotherDecoderCouldDrop() throws Exception {
        // ISO-2022-JP's ESC ( B decodes to nothing, so "ESC(B.." would read ".." to such a decoder.
        String token = tokens.issueForPrefix("photos", "users/42/", "user-42", Duration.ofMinutes(15));
        for (String object : new String[] {"users/42/\u001b(B../43/secret.jpg", "users/42/a\u0000b", "users/42/a\tb",
            "users/42/a\u007fb", "users/42/a\u0085b"}) {
            assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", object)),
                    object);
        }
        verifier(tokens).verify(ossCallback(params(token), "photos", "users/42/\u732b \u00e9t\u00e9.jpg"));
    }

    @Test
    void prefixTokenRefusesLookAlikesThatNormaliseIntoDotsOrSlashes() throws Exception {
        // NFKC turns fullwidth '．' into '.', U+2025 (two dot leader) into "..", fullwidth '／' into '/'
        // and fullwidth '＼' into '\': whoever normalises the key would read another folder.
        String token = tokens.issueForPrefix("photos", "users/42/", "user-42", Duration.ofMinutes(15));
        for (String object : new String[] {"users/42/\uff0e\uff0e/43/secret.jpg", "users/42/\u2025/43/secret.jpg",
            "users/42/\uff0e\uff0e\uff0f43\uff0fsecret.jpg", "users/42/a\uff0fb.jpg", "users/42/a/\u2024",
            "users/42/\u2024\u2024", "users/42/\uff0e", "users/42/x\uff3c..\uff3c43", "users/42/\ufe52\ufe52/x"}) {
            assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", object)),
                    object);
        }
    }

    @Test
    void prefixTokenAcceptsOtherTextWhoseNormalFormIsStillAPlainPath() throws Exception {
        // Fullwidth letters, an ellipsis ("..." is a name) and ligatures stay in their own segment.
        for (String object : new String[] {"users/42/\uff43\uff41\uff54.jpg", "users/42/\u2026/x.jpg",
            "users/42/\ufb01le.jpg", "users/42/\u00bd.jpg", "users/42/\u2025x/y.jpg"}) {
            String token = tokens.issueForPrefix("photos", "users/42/", "user-42", Duration.ofMinutes(15));
            verifier(tokens).verify(ossCallback(params(token), "photos", object));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/\uff0e\uff0e/b", "\u2025", "a\uff0fb", "a/\uff3c", "\uff0e", "a/\u2024", "a/b\u0085"})
    void plainPathMeansPlainAfterNfkcToo(String path) {
        assertFalse(TokenFormat.isPlainPath(path), path);
        assertTrue(TokenFormat.isPlainPath("a/" + "b.c"), "an ordinary path is plain");
    }

    @Test
    void prefixWithLookAlikesIsRefusedAtIssue() {
        for (String bad : new String[] {"users/\uff0e\uff0e/", "users/\u2025/", "users\uff0f42/", "\uff0e/"}) {
            assertThrows(IllegalArgumentException.class,
                    () -> tokens.issueForPrefix("photos", bad, null, Duration.ofMinutes(15)), bad);
        }
    }

    @Test
    void mismatchMessagesNameWhatDiffersButNoBodyValue() throws Exception {
        String token = tokens.issueForPrefix("photos", "users/42/", "user-42", Duration.ofMinutes(15));
        for (CallbackRequest request : new CallbackRequest[] {
            ossCallback(params(token), "photos", "users/43/private-scan-of-alice.jpg"),
            ossCallback(params(token), "other-bucket-of-alice", "users/42/private-scan-of-alice.jpg")}) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> verifier(tokens).verify(request));
            assertEquals(UPLOAD_TOKEN_MISMATCH, e.reason());
            assertFalse(e.getMessage().contains("alice"), e.getMessage());
        }
    }

    @Test
    void objectTokenRequiresTheExactObject() throws Exception {
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", null, Duration.ofMinutes(15));
        for (String object : new String[] {"users/42/cat.jpg/", "users/42/cat.jpg/x", "users/42/./cat.jpg",
            "users/42//cat.jpg", "users/42/cat.JPG", "users/42/cat.jp", " users/42/cat.jpg"}) {
            assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(tokens), ossCallback(params(token), "photos", object)),
                    object);
        }
        verifier(tokens).verify(ossCallback(params(token), "photos", "users/42/cat.jpg"));
    }

    @Test
    void onlyTheCanonicalBase64SpellingOfATokenIsAccepted() throws Exception {
        String token = null;
        String[] parts = null;
        // Find a token whose parts have unused bits in their last character (length % 4 of 2 or 3).
        for (int i = 0; parts == null || parts[2].length() % 4 < 2 || parts[3].length() % 4 < 2; i++) {
            token = tokens.issueForObject("photos", "a" + i + ".jpg", null, Duration.ofMinutes(15));
            parts = token.split("\\.");
        }
        String object = JsonCodec.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[2])).get("o").asText();
        verifier(tokens).verify(ossCallback(params(token), "photos", object));
        for (int part : new int[] {2, 3}) {
            String[] flipped = parts.clone();
            flipped[part] = flipLowestBit(parts[part]);
            assertTrue(Arrays.equals(Base64.getUrlDecoder().decode(flipped[part]), Base64.getUrlDecoder().decode(parts[part])),
                    "the flipped bit is unused, so the bytes are the same");
            assertEquals(UPLOAD_TOKEN_INVALID,
                    rejection(verifier(tokens), ossCallback(params(String.join(".", flipped)), "photos", object)));
            String[] padded = parts.clone();
            padded[part] = parts[part] + "=".repeat(4 - parts[part].length() % 4);
            assertEquals(UPLOAD_TOKEN_INVALID,
                    rejection(verifier(tokens), ossCallback(params(String.join(".", padded)), "photos", object)));
        }
    }

    private static String flipLowestBit(String base64url) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(base64url.charAt(base64url.length() - 1));
        return base64url.substring(0, base64url.length() - 1) + alphabet.charAt(last ^ 1);
    }

    @Test
    void rejectsTamperedExpiry() throws Exception {
        String token = tokens.issueForObject("photos", "a.jpg", "u", Duration.ofMinutes(1));
        String tampered = withPayload(token, p -> p.put("e", p.get("e").asLong() + 86_400));
        assertEquals(UPLOAD_TOKEN_INVALID, rejection(verifier(tokens), ossCallback(params(tampered), "photos", "a.jpg")));
    }

    @Test
    void rejectsTamperedSubject() throws Exception {
        String token = tokens.issueForObject("photos", "a.jpg", "user-7", Duration.ofMinutes(1));
        String tampered = withPayload(token, p -> p.put("s", "admin"));
        assertEquals(UPLOAD_TOKEN_INVALID, rejection(verifier(tokens), ossCallback(params(tampered), "photos", "a.jpg")));
    }

    @Test
    void rejectsTamperedObjectInToken() throws Exception {
        String token = tokens.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(1));
        String tampered = withPayload(token, p -> p.put("o", "b.jpg"));
        assertEquals(UPLOAD_TOKEN_INVALID, rejection(verifier(tokens), ossCallback(params(tampered), "photos", "b.jpg")));
    }

    @Test
    void rejectsTamperedMac() {
        String token = tokens.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(1));
        String[] parts = token.split("\\.");
        byte[] mac = Base64.getUrlDecoder().decode(parts[3]);
        mac[0] ^= 1;
        String tampered = String.join(".", parts[0], parts[1], parts[2], Base64.getUrlEncoder().withoutPadding().encodeToString(mac));
        assertEquals(UPLOAD_TOKEN_INVALID, rejection(verifier(tokens), ossCallback(params(tampered), "photos", "a.jpg")));
    }

    @Test
    void rejectsTamperedKeyId() {
        UploadTokens both = UploadTokens.builder().signingKey("k1", SECRET_1).acceptedKey("k2", SECRET_2).clock(clock).build();
        String token = both.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(1));
        assertEquals(UPLOAD_TOKEN_INVALID, rejection(verifier(both),
                ossCallback(params(token.replaceFirst("\\.k1\\.", ".k2.")), "photos", "a.jpg")));
        assertEquals(UPLOAD_TOKEN_UNKNOWN_KEY, rejection(verifier(both),
                ossCallback(params(token.replaceFirst("\\.k1\\.", ".k9.")), "photos", "a.jpg")));
    }

    @Test
    void rejectsGarbageToken() {
        for (String garbage : new String[] {"x", "v1.k1.x", "v2.k1.e30.AA", "v1.k1.!!.AA", "v1..."}) {
            assertTrue(Arrays.asList(UPLOAD_TOKEN_INVALID, UPLOAD_TOKEN_UNKNOWN_KEY)
                    .contains(rejection(verifier(tokens), ossCallback(params(garbage), "photos", "a.jpg"))), garbage);
        }
    }

    @Test
    void rejectsATokenOfTheFormatBeforeSingleUseIds() throws Exception {
        // Same key, same MAC construction, but "v1" and no id: as the previous version issued them.
        String current = tokens.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(1));
        String v1 = resigned(withPayload(current, p -> p.remove("n")).replaceFirst("^v2\\.", "v1."));
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                () -> verifier(tokens).verify(ossCallback(params(v1), "photos", "a.jpg")));
        assertEquals(UPLOAD_TOKEN_INVALID, e.reason());
        assertTrue(e.getMessage().contains("v1 token"), e.getMessage());
    }

    @Test
    void rejectsATokenWithoutItsSingleUseId() throws Exception {
        String current = tokens.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(1));
        for (String tampered : new String[] {resigned(withPayload(current, p -> p.remove("n"))),
            resigned(withPayload(current, p -> p.put("n", "short"))), resigned(withPayload(current, p -> p.put("n", 7)))}) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> verifier(tokens).verify(ossCallback(params(tampered), "photos", "a.jpg")));
            assertEquals(UPLOAD_TOKEN_INVALID, e.reason());
            assertTrue(e.getMessage().contains("single-use id"), e.getMessage());
        }
    }

    @Test
    void eachTokenCarriesItsOwnRandomId() throws Exception {
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 100; i++) {
            String token = tokens.issueForObject("photos", "a.jpg", "u", Duration.ofMinutes(1));
            String id = JsonCodec.MAPPER.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[2])).get("n").asText();
            assertEquals(UploadTokens.ID_BYTES, Base64.getUrlDecoder().decode(id).length);
            assertTrue(ids.add(id), "ids repeat: " + id);
        }
    }

    @Test
    void rejectsCallbackWithoutToken() {
        CallbackRequest request = oss.request(KEY_URL, "/cb", null, null,
                "bucket=photos&object=a.jpg".getBytes(StandardCharsets.UTF_8)).build();
        assertEquals(UPLOAD_TOKEN_MISSING, rejection(verifier(tokens), request));
    }

    @Test
    void expiresByTheClockAfterTheSkew() throws Exception {
        String token = tokens.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(15));
        CallbackRequest request = ossCallback(params(token), "photos", "a.jpg");
        clock.advance(Duration.ofMinutes(15).plusSeconds(30));
        verifier(tokens).verify(request); // within the default 30 s skew
        clock.advance(Duration.ofSeconds(1));
        assertEquals(UPLOAD_TOKEN_EXPIRED, rejection(verifier(tokens), request));
    }

    @Test
    void acceptsOldKeyDuringRotationAndRejectsItOnceRetired() throws Exception {
        String oldToken = tokens.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(15));
        UploadTokens rotated = UploadTokens.builder().signingKey("k2", SECRET_2).acceptedKey("k1", SECRET_1).clock(clock).build();
        verifier(rotated).verify(ossCallback(params(oldToken), "photos", "a.jpg"));
        String newToken = rotated.issueForObject("photos", "a.jpg", null, Duration.ofMinutes(15));
        assertTrue(newToken.startsWith("v2.k2."));
        UploadTokens retired = UploadTokens.builder().signingKey("k2", SECRET_2).clock(clock).build();
        verifier(retired).verify(ossCallback(params(newToken), "photos", "a.jpg"));
        assertEquals(UPLOAD_TOKEN_UNKNOWN_KEY, rejection(verifier(retired), ossCallback(params(oldToken), "photos", "a.jpg")));
    }

    @Test
    void rejectsBucketOutsideTheExpectedList() {
        UploadTokens strict = UploadTokens.builder().signingKey("k1", SECRET_1).clock(clock).expectedBuckets("photos").build();
        String token = strict.issueForObject("scratch", "a.jpg", null, Duration.ofMinutes(1));
        assertEquals(BUCKET_NOT_ALLOWED, rejection(verifier(strict), ossCallback(params(token), "scratch", "a.jpg")));
    }

    @Test
    void refusesWeakSecretsAndBadKeyIds() {
        assertThrows(IllegalArgumentException.class, () -> UploadTokens.builder().signingKey("k", new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> UploadTokens.builder().signingKey("k.1", SECRET_1));
        assertThrows(IllegalStateException.class, () -> UploadTokens.builder().acceptedKey("k", SECRET_1).build());
    }

    @Test
    void settingsTurnTokensOn() throws Exception {
        String k1 = Base64.getEncoder().encodeToString(SECRET_1);
        CallbackVerifier v = VerifierSettings.configure(CallbackVerifier.builder(),
                Map.of("keyUrlPrefixes", "https://keys.test/oss/", "remoteKeyFetching", "false",
                        "uploadTokenKeys", "k1=" + k1, "expectedBuckets", "photos"))
                .pinKey(KEY_URL, oss.publicKeyPem()).build();
        UploadTokens systemClock = UploadTokens.builder().signingKey("k1", SECRET_1).build();
        String token = systemClock.issueForObject("photos", "a.jpg", "u", Duration.ofMinutes(1));
        assertEquals("u", v.verify(ossCallback(params(token), "photos", "a.jpg")).uploadSubject().orElseThrow());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerifierSettings.configure(
                CallbackVerifier.builder(), Map.of("uploadTokenKeys", "k1=c2hvcnQ=")));
        assertTrue(!e.getMessage().contains("c2hvcnQ="), e.getMessage());
    }

    private static String withPayload(String token, java.util.function.Consumer<ObjectNode> change) throws Exception {
        String[] parts = token.split("\\.");
        ObjectNode payload = (ObjectNode) JsonCodec.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[2]));
        change.accept(payload);
        parts[2] = Base64.getUrlEncoder().withoutPadding().encodeToString(JsonCodec.MAPPER.writeValueAsBytes(payload));
        return String.join(".", parts);
    }
}
