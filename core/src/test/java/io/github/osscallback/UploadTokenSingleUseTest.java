package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.REPLAY_STORE_UNAVAILABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_EXPIRED;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_USED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * An upload token vouches for one accepted callback: a copy taken from the uploader's form, sent
 * again through OSS with a template of the copier's own, is refused (409 {@code upload_token_used}).
 */
class UploadTokenSingleUseTest {

    static final String KEY_URL = "https://keys.test/oss/key.pem";
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private final UploadTokens tokens = UploadTokens.builder().signingKey("k1", SECRET).clock(clock).build();

    private CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, oss.publicKeyPem())
                .remoteKeyFetching(false)
                .clock(clock);
    }

    /** A callback OSS signed: whoever holds the token can have OSS render any template around it. */
    private CallbackRequest callback(String object, String size, String token) {
        String body = "bucket=photos&object=" + object.replace("/", "%2F") + "&size=" + size
                + "&mimeType=image%2Fjpeg&upload_token=" + token;
        return oss.request(KEY_URL, "/cb", null, null, body.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static CallbackRejectedException rejection(CallbackVerifier v, CallbackRequest request) {
        return assertThrows(CallbackRejectedException.class, () -> v.verify(request));
    }

    private static String idOf(String token) throws Exception {
        return JsonCodec.MAPPER.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[2])).get("n").asText();
    }

    @Test
    void theSameCallbackWithTheSameTokenIsAcceptedOnce() throws Exception {
        CallbackVerifier v = builder().uploadTokens(tokens).build();
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", "user-42", Duration.ofMinutes(15));
        CallbackRequest genuine = callback("users/42/cat.jpg", "2048", token);
        assertEquals("user-42", v.verify(genuine).uploadSubject().orElseThrow());
        CallbackRejectedException again = rejection(v, genuine);
        assertEquals(UPLOAD_TOKEN_USED, again.reason());
        assertEquals(409, again.reason().httpStatus());
        assertEquals("upload_token_used", again.reason().code());
        assertTrue(again.getMessage().contains("already used"), again.getMessage());
        assertFalse(again.getMessage().contains(token) || again.getMessage().contains(idOf(token)), again.getMessage());
    }

    @Test
    void aCopiedTokenIsRefusedForAnotherObjectSizeAndSignature() throws Exception {
        CallbackVerifier v = builder().uploadTokens(tokens).build();
        String token = tokens.issueForPrefix("photos", "users/42/", "user-42", Duration.ofMinutes(70));
        v.verify(callback("users/42/cat.jpg", "2048", token));
        // Another template of the copier's own: an object never uploaded, any size; OSS signs it all the same.
        assertEquals(UPLOAD_TOKEN_USED, rejection(v, callback("users/42/never-uploaded.exe", "1", token)).reason());
        assertEquals(UPLOAD_TOKEN_USED, rejection(v, callback("users/42/other.jpg", "99999999", token)).reason());
        // A token of its own is a new grant.
        v.verify(callback("users/42/dog.jpg", "10",
                tokens.issueForPrefix("photos", "users/42/", "user-42", Duration.ofMinutes(70))));
    }

    @Test
    void aForgeryThatFailsTheTokensBindingLeavesItForTheGenuineCallback() throws Exception {
        CallbackVerifier v = builder().uploadTokens(tokens).build();
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", "user-42", Duration.ofMinutes(15));
        assertEquals(UPLOAD_TOKEN_MISMATCH, rejection(v, callback("users/42/other.jpg", "1", token)).reason());
        CallbackRequest unsigned = CallbackRequest.builder().path("/cb").body(("bucket=photos&object=users%2F42%2Fcat.jpg"
                        + "&upload_token=" + token).getBytes(StandardCharsets.UTF_8))
                .header("authorization", oss.sign("/cb", null, "x".getBytes(StandardCharsets.UTF_8)))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL)).build();
        assertEquals(CallbackRejectedException.Reason.SIGNATURE_MISMATCH, rejection(v, unsigned).reason());
        v.verify(callback("users/42/cat.jpg", "2048", token));
    }

    @Test
    void aCallbackRefusedByTheReplayCheckLeavesItsTokenUnused() throws Exception {
        RecordingStore usedTokens = new RecordingStore(clock);
        RecordingStore signaturesDown = new RecordingStore(clock);
        signaturesDown.down = true;
        CallbackVerifier failing = builder().uploadTokens(tokens, usedTokens)
                .replayProtection(Duration.ofMinutes(10), signaturesDown).build();
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", null, Duration.ofMinutes(15));
        CallbackRequest genuine = callback("users/42/cat.jpg", "2048", token);
        assertEquals(REPLAY_STORE_UNAVAILABLE, rejection(failing, genuine).reason());
        assertEquals(List.of(), usedTokens.keys, "the token is used only by an accepted callback");

        CallbackVerifier working = builder().uploadTokens(tokens, usedTokens)
                .replayProtection(Duration.ofMinutes(10), new RecordingStore(clock)).build();
        working.verify(genuine);
        assertEquals(List.of(UploadTokens.USED_KEY_PREFIX + idOf(token)), usedTokens.keys);
    }

    @Test
    void aTokenStoreThatFailsRefusesTheCallbackClosed() throws Exception {
        RecordingStore down = new RecordingStore(clock);
        down.down = true;
        CallbackVerifier v = builder().uploadTokens(tokens, down).build();
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", null, Duration.ofMinutes(15));
        CallbackRejectedException e = rejection(v, callback("users/42/cat.jpg", "2048", token));
        assertEquals(REPLAY_STORE_UNAVAILABLE, e.reason());
        assertEquals(503, e.reason().httpStatus());
        assertFalse(e.getMessage().contains(token) || e.getMessage().contains(idOf(token)), e.getMessage());
        down.down = false;
        v.verify(callback("users/42/cat.jpg", "2048", token)); // it was not recorded, so it is still good once
    }

    @Test
    void theSharedReplayStoreHoldsUsedTokensUnderKeysOfTheirOwnForTheTokensLifetime() throws Exception {
        RecordingStore shared = new RecordingStore(clock);
        CallbackVerifier v = builder().uploadTokens(tokens).replayProtection(Duration.ofMinutes(10), shared).build();
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", null, Duration.ofMinutes(15));
        CallbackRequest genuine = callback("users/42/cat.jpg", "2048", token);
        v.verify(genuine);
        String signatureKey = Base64.getEncoder().encodeToString(Base64.getDecoder()
                .decode(genuine.header("authorization")));
        String tokenKey = UploadTokens.USED_KEY_PREFIX + idOf(token);
        assertEquals(List.of(signatureKey, tokenKey), shared.keys);
        assertEquals(Duration.ofMinutes(10), shared.windows.get(signatureKey));
        // Until the token expires, plus the allowed skew, plus the skew again for nodes that disagree.
        assertEquals(Duration.ofMinutes(15).plusSeconds(60), shared.windows.get(tokenKey));
    }

    @Test
    void aStoreGivenForTokensIsUsedForThemAlone() throws Exception {
        RecordingStore signatures = new RecordingStore(clock);
        RecordingStore usedTokens = new RecordingStore(clock);
        CallbackVerifier v = builder().uploadTokens(tokens, usedTokens)
                .replayProtection(Duration.ofMinutes(10), signatures).build();
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", null, Duration.ofMinutes(15));
        v.verify(callback("users/42/cat.jpg", "2048", token));
        assertEquals(List.of(UploadTokens.USED_KEY_PREFIX + idOf(token)), usedTokens.keys);
        assertEquals(1, signatures.keys.size());
        assertFalse(signatures.keys.get(0).startsWith(UploadTokens.USED_KEY_PREFIX));
    }

    @Test
    void aTokenCheckedAtTheEndOfItsLifeIsRememberedForAtLeastASecond() throws Exception {
        UploadTokens noSkew = UploadTokens.builder().signingKey("k1", SECRET).clock(clock)
                .allowedClockSkew(Duration.ZERO).build();
        RecordingStore usedTokens = new RecordingStore(clock);
        CallbackVerifier v = builder().uploadTokens(noSkew, usedTokens).build();
        String token = noSkew.issueForObject("photos", "users/42/cat.jpg", null, Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1)); // the last instant it is accepted
        v.verify(callback("users/42/cat.jpg", "2048", token));
        assertEquals(Duration.ofSeconds(1), usedTokens.windows.get(UploadTokens.USED_KEY_PREFIX + idOf(token)));
    }

    @Test
    void theDefaultInMemoryStoreRemembersATokenWhileItIsValid() throws Exception {
        CallbackVerifier v = builder().uploadTokens(tokens).build();
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", null, Duration.ofMinutes(15));
        v.verify(callback("users/42/cat.jpg", "2048", token));
        clock.advance(Duration.ofMinutes(15).plusSeconds(30)); // the last instant the token is accepted
        assertEquals(UPLOAD_TOKEN_USED, rejection(v, callback("users/42/cat.jpg", "1", token)).reason());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(UPLOAD_TOKEN_EXPIRED, rejection(v, callback("users/42/cat.jpg", "1", token)).reason());
    }

    @Test
    void withReplayProtectionAReplayIsReportedAsSuchBeforeTheTokenIsConsidered() throws Exception {
        CallbackVerifier v = builder().uploadTokens(tokens).replayProtection(Duration.ofMinutes(10)).build();
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", null, Duration.ofMinutes(15));
        CallbackRequest genuine = callback("users/42/cat.jpg", "2048", token);
        v.verify(genuine);
        assertEquals(CallbackRejectedException.Reason.REPLAYED, rejection(v, genuine).reason());
        assertEquals(UPLOAD_TOKEN_USED, rejection(v, callback("users/42/cat.jpg", "1", token)).reason());
    }

    @Test
    void aCallbackRefusedAfterTheReplayCheckIsNotTakenForAReplayWhenItComesAgain() throws Exception {
        RecordingStore usedTokens = new RecordingStore(clock);
        usedTokens.down = true;
        CallbackVerifier v = builder().uploadTokens(tokens, usedTokens).replayProtection(Duration.ofMinutes(10)).build();
        String token = tokens.issueForObject("photos", "users/42/cat.jpg", null, Duration.ofMinutes(15));
        CallbackRequest genuine = callback("users/42/cat.jpg", "2048", token);
        // Refused after its signature was recorded: the record is forgotten, so the same bytes are not a "replay".
        assertEquals(REPLAY_STORE_UNAVAILABLE, rejection(v, genuine).reason());
        usedTokens.down = false;
        v.verify(genuine);
        assertEquals(CallbackRejectedException.Reason.REPLAYED, rejection(v, genuine).reason());
    }

    /** A real in-memory store that notes every key and window it is asked to record, and can be made to fail. */
    private static final class RecordingStore implements ReplayStore {
        final List<String> keys = new ArrayList<>();
        final Map<String, Duration> windows = new ConcurrentHashMap<>();
        final ReplayStore inner;
        volatile boolean down;

        RecordingStore(ManualClock clock) {
            this.inner = ReplayStore.inMemory(1000, clock);
        }

        @Override
        public synchronized boolean firstSeen(String key, Duration window) {
            if (down) {
                throw new IllegalStateException("store unreachable");
            }
            keys.add(key);
            windows.put(key, window);
            return inner.firstSeen(key, window);
        }

        @Override
        public void forget(String key) {
            inner.forget(key);
        }
    }
}
