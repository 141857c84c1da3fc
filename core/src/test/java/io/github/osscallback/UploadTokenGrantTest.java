package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_MISMATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.upload.CallbackParameters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link UploadTokens#grant}: what one upload may do, and the callback path and body type a token can
 * bind beside its bucket and object, so a token cannot vouch for a callback to another endpoint or
 * a body relabelled as the other type.
 */
class UploadTokenGrantTest {

    static final String KEY_URL = "https://keys.test/oss/key.pem";
    static final String FORM = "application/x-www-form-urlencoded";
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private final UploadTokens tokens = UploadTokens.builder().signingKey("k1", SECRET).clock(clock).build();
    private final UploadTokens.Grant cat = tokens.grant("photos").object("users/42/cat.jpg")
            .validity(Duration.ofMinutes(15));

    private CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, oss.publicKeyPem())
                .remoteKeyFetching(false)
                .clock(clock);
    }

    private CallbackVerifier verifier() {
        return builder().uploadTokens(tokens).build();
    }

    /** Signed over {@code signedPath}, sent to {@code sentPath} (they differ behind a proxy that strips a prefix). */
    private CallbackRequest callback(String signedPath, String sentPath, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        CallbackRequest.Builder request = CallbackRequest.builder().path(sentPath).body(bytes)
                .header("authorization", oss.sign(signedPath, null, bytes))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL));
        return (contentType == null ? request : request.header("content-type", contentType)).build();
    }

    private CallbackRequest form(String path, String token) {
        return callback(path, path, FORM, "bucket=photos&object=users%2F42%2Fcat.jpg&upload_token=" + token);
    }

    private CallbackRequest json(String path, String token) {
        return callback(path, path, "application/json",
                "{\"bucket\":\"photos\",\"object\":\"users/42/cat.jpg\",\"upload_token\":\"" + token + "\"}");
    }

    private static CallbackRejectedException rejection(CallbackVerifier v, CallbackRequest request) {
        return assertThrows(CallbackRejectedException.class, () -> v.verify(request));
    }

    private static JsonNode payload(String token) throws Exception {
        return JsonCodec.MAPPER.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[2]));
    }

    @Test
    void aTokenBoundToACallbackPathIsAcceptedOnThatPathOnly() throws Exception {
        UploadTokens.Grant grant = cat.callbackPath("/oss/callback");
        verifier().verify(form("/oss/callback", grant.issue()));
        for (String other : new String[] {"/oss/callback/", "/oss/callbacks", "/oss/Callback", "/other-endpoint",
            "/oss/callback/x"}) {
            CallbackRejectedException e = rejection(verifier(), form(other, grant.issue()));
            assertEquals(UPLOAD_TOKEN_MISMATCH, e.reason(), other);
            assertTrue(e.getMessage().contains("callback path"), e.getMessage());
            assertFalse(e.getMessage().contains("/oss/callback") || e.getMessage().contains("other-endpoint"),
                    e.getMessage());
        }
    }

    @Test
    void theBoundPathIsComparedWithThePathAsOssSignedIt() throws Exception {
        // Decoded, and with the prefix a proxy strips put back, as the signature covers it.
        UploadTokens.Grant grant = cat.callbackPath("/api/oss/\u4e0a\u4f20 cb");
        CallbackVerifier behindProxy = builder().uploadTokens(tokens).signedPathPrefix("/api").build();
        String sent = "/oss/%E4%B8%8A%E4%BC%A0%20cb";
        String body = "bucket=photos&object=users%2F42%2Fcat.jpg&upload_token=";
        String token = grant.issue();
        behindProxy.verify(callback("/api" + sent, sent, FORM, body + token));
        String direct = grant.issue();
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(), callback(sent, sent, FORM, body + direct)).reason());
    }

    @Test
    void aTokenBoundToABodyTypeRefusesTheOtherType() throws Exception {
        UploadTokens.Grant formOnly = cat.bodyType(BodyType.FORM);
        verifier().verify(form("/cb", formOnly.issue()));
        CallbackRejectedException e = rejection(verifier(), json("/cb", formOnly.issue()));
        assertEquals(UPLOAD_TOKEN_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains("body type"), e.getMessage());

        UploadTokens.Grant jsonOnly = cat.bodyType(BodyType.JSON);
        verifier().verify(json("/cb", jsonOnly.issue()));
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(verifier(), form("/cb", jsonOnly.issue())).reason());
        // Unbound, either type is accepted, as before.
        verifier().verify(json("/cb", cat.issue()));
        verifier().verify(form("/cb", cat.issue()));
    }

    @Test
    void aBoundPathOrBodyTypeCannotBeEditedOutOfTheToken() throws Exception {
        String token = cat.callbackPath("/oss/callback").bodyType(BodyType.FORM).issue();
        String[] parts = token.split("\\.");
        com.fasterxml.jackson.databind.node.ObjectNode edited = (com.fasterxml.jackson.databind.node.ObjectNode) payload(token);
        edited.remove("c");
        edited.remove("t");
        parts[2] = Base64.getUrlEncoder().withoutPadding().encodeToString(JsonCodec.MAPPER.writeValueAsBytes(edited));
        assertEquals(CallbackRejectedException.Reason.UPLOAD_TOKEN_INVALID,
                rejection(verifier(), json("/other", String.join(".", parts))).reason());
    }

    @Test
    void callbackParametersThatATokensBindingsWouldRefuseAreRefusedWhenBuilt() {
        String token = cat.callbackPath("/oss/callback").bodyType(BodyType.FORM).issue();
        CallbackParameters.builder().callbackUrl("https://app.test/oss/callback").callbackBody("size=${size}")
                .uploadToken(token).build();
        IllegalStateException json = assertThrows(IllegalStateException.class, () -> CallbackParameters.builder()
                .callbackUrl("https://app.test/oss/callback").bodyType(BodyType.JSON).callbackBody("{\"size\":${size}}")
                .uploadToken(token).build());
        assertTrue(json.getMessage().contains("body type"), json.getMessage());
        for (String[] urls : new String[][] {{"https://app.test/oss/other"}, {"https://app.test"},
            {"https://app.test/oss/callback", "https://backup.test/fallback"}}) {
            CallbackParameters.Builder params = CallbackParameters.builder().callbackBody("size=${size}").uploadToken(token);
            for (String url : urls) {
                params.callbackUrl(url);
            }
            IllegalStateException path = assertThrows(IllegalStateException.class, params::build);
            assertTrue(path.getMessage().contains("callback path"), path.getMessage());
        }
        // Non-ASCII paths are compared decoded, as the verifier compares them.
        CallbackParameters.builder().callbackUrl("https://app.test/\u56de\u8c03").callbackBody("size=${size}")
                .uploadToken(cat.callbackPath("/\u56de\u8c03").issue()).build();
    }

    @Test
    void aGrantIsImmutableAndEachIssueHasItsOwnId() throws Exception {
        UploadTokens.Grant folder = tokens.grant("photos").keyPrefix("users/42/").validity(Duration.ofMinutes(70));
        String forAlice = folder.subject("alice").issue();
        String forBob = folder.subject("bob").issue(); // the first subject did not change the shared grant
        assertEquals("alice", payload(forAlice).get("s").asText());
        assertEquals("bob", payload(forBob).get("s").asText());
        assertNotEquals(payload(forAlice).get("n"), payload(forBob).get("n"));
        assertNotEquals(payload(folder.issue()).get("n"), payload(folder.issue()).get("n"));
        assertFalse(payload(folder.issue()).has("s"));
    }

    @Test
    void theShortcutsIssueWhatTheGrantIssues() throws Exception {
        JsonNode shortcut = payload(tokens.issueForPrefix("photos", "users/42/", "u", Duration.ofMinutes(5)));
        JsonNode granted = payload(tokens.grant("photos").keyPrefix("users/42/").subject("u")
                .validity(Duration.ofMinutes(5)).issue());
        ((com.fasterxml.jackson.databind.node.ObjectNode) shortcut).remove("n");
        ((com.fasterxml.jackson.databind.node.ObjectNode) granted).remove("n");
        assertEquals(granted, shortcut);
        assertFalse(shortcut.has("c") || shortcut.has("t"), "shortcuts bind no path and no body type");
    }

    @Test
    void aGrantNeedsAnObjectOrPrefixAndAValidity() {
        IllegalStateException noObject = assertThrows(IllegalStateException.class,
                () -> tokens.grant("photos").validity(Duration.ofMinutes(1)).issue());
        assertTrue(noObject.getMessage().contains("object or a keyPrefix"), noObject.getMessage());
        IllegalStateException noValidity = assertThrows(IllegalStateException.class,
                () -> tokens.grant("photos").object("a.jpg").issue());
        assertTrue(noValidity.getMessage().contains("validity"), noValidity.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tokens.grant(""));
        assertThrows(IllegalArgumentException.class, () -> tokens.grant("photos").object(""));
        assertThrows(IllegalArgumentException.class, () -> tokens.grant("photos").validity(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> tokens.grant("photos").keyPrefix("users/42"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"oss/callback", "", "/cb?x=1", "/cb#x", "/cb\n", "/cb\u0000", "/cb\u007f", "/cb\u0085"})
    void aCallbackPathOssCouldNotSignIsRefusedAtIssue(String path) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cat.callbackPath(path));
        assertTrue(e.getMessage().contains("callback path"), e.getMessage());
    }

    @Test
    void aGrantSaysWhatItBindsButNoSubject() {
        String text = cat.subject("user-42-secret-name").callbackPath("/cb").bodyType(BodyType.FORM).toString();
        assertEquals("UploadTokens.Grant[bucket=photos, object=users/42/cat.jpg, subject set, validity=PT15M,"
                + " callbackPath=/cb, bodyType=FORM]", text);
    }
}
