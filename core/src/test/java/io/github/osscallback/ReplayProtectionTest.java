package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** Opt-in replay protection: a replayed callback is refused, OSS's fallback to another URL is not. */
class ReplayProtectionTest {

    static final String KEY_URL = "https://keys.test/oss/key.pem";
    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T00:00:00Z"));

    private CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, oss.publicKeyPem())
                .remoteKeyFetching(false);
    }

    private CallbackRequest callback(String path, String body) {
        return oss.request(KEY_URL, path, null, null, body.getBytes(StandardCharsets.UTF_8)).build();
    }

    @Test
    void refusesReplayWithinTheWindowAndAcceptsItAfter() throws Exception {
        CallbackVerifier v = builder().replayProtection(Duration.ofMinutes(10), ReplayStore.inMemory(100, clock)).build();
        CallbackRequest request = callback("/cb", "bucket=b&object=o&reqId=1");
        v.verify(request);
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class, () -> v.verify(request));
        assertEquals(CallbackRejectedException.Reason.REPLAYED, e.reason());
        assertEquals(409, e.reason().httpStatus());
        clock.advance(Duration.ofMinutes(10).plusSeconds(1));
        v.verify(request);
    }

    @Test
    void theVerifiersClockRulesTheStoreItMakesAndTheTokensItChecks() throws Exception {
        ManualClock issuing = new ManualClock(clock.instant());
        UploadTokens tokens = UploadTokens.builder()
                .signingKey("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
                .clock(issuing).allowedClockSkew(Duration.ZERO).build();
        CallbackVerifier v = builder().clock(clock).replayProtection(Duration.ofMinutes(10)).uploadTokens(tokens).build();
        String token = tokens.issueForObject("b", "o", null, Duration.ofMinutes(15));
        CallbackRequest request = callback("/cb", "bucket=b&object=o&upload_token=" + token);
        v.verify(request);
        assertEquals(CallbackRejectedException.Reason.REPLAYED,
                assertThrows(CallbackRejectedException.class, () -> v.verify(request)).reason());
        clock.advance(Duration.ofMinutes(11)); // only the verifier's clock moves: the replay window is over ...
        assertEquals(CallbackRejectedException.Reason.UPLOAD_TOKEN_USED, // ... and the token stays used
                assertThrows(CallbackRejectedException.class, () -> v.verify(request)).reason());
        clock.advance(Duration.ofMinutes(5)); // and the token, issued by another clock, has expired
        assertEquals(CallbackRejectedException.Reason.UPLOAD_TOKEN_EXPIRED,
                assertThrows(CallbackRejectedException.class, () -> v.verify(request)).reason());
    }

    @Test
    void acceptsOssFallbackDeliveryToAnotherCallbackUrl() throws Exception {
        // OSS tries its callback URLs in order; the same upload then arrives on another path.
        CallbackVerifier v = builder().replayProtection(Duration.ofMinutes(10)).build();
        v.verify(callback("/primary/cb", "bucket=b&object=o"));
        v.verify(callback("/fallback/cb", "bucket=b&object=o"));
    }

    @Test
    void distinctUploadsAreNotReplays() throws Exception {
        CallbackVerifier v = builder().replayProtection(Duration.ofMinutes(10)).build();
        v.verify(callback("/cb", "object=a&reqId=1"));
        v.verify(callback("/cb", "object=a&reqId=2"));
    }

    @Test
    void forgeriesDoNotFillTheStore() throws Exception {
        ConcurrentHashMap<String, Boolean> recorded = new ConcurrentHashMap<>();
        ReplayStore store = (key, window) -> recorded.putIfAbsent(key, Boolean.TRUE) == null;
        CallbackVerifier v = builder().replayProtection(Duration.ofMinutes(1), store).build();
        CallbackRequest forged = CallbackRequest.builder().path("/cb")
                .header("authorization", oss.sign("/cb", null, "a=1".getBytes(StandardCharsets.UTF_8)))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(KEY_URL))
                .body("a=2".getBytes(StandardCharsets.UTF_8)).build();
        assertThrows(CallbackRejectedException.class, () -> v.verify(forged));
        assertEquals(0, recorded.size());
    }

    @Test
    void sharedStoreCatchesReplayOnAnotherNode() throws Exception {
        ConcurrentHashMap<String, Boolean> cluster = new ConcurrentHashMap<>();
        ReplayStore shared = (key, window) -> cluster.putIfAbsent(key, Boolean.TRUE) == null;
        CallbackVerifier node1 = builder().replayProtection(Duration.ofMinutes(1), shared).build();
        CallbackVerifier node2 = builder().replayProtection(Duration.ofMinutes(1), shared).build();
        CallbackRequest request = callback("/cb", "object=a");
        node1.verify(request);
        assertEquals(CallbackRejectedException.Reason.REPLAYED,
                assertThrows(CallbackRejectedException.class, () -> node2.verify(request)).reason());
    }

    @Test
    void failsClosedWhenTheStoreIsDown() {
        ReplayStore down = (key, window) -> {
            throw new IllegalStateException("connection refused");
        };
        CallbackVerifier v = builder().replayProtection(Duration.ofMinutes(1), down).build();
        assertEquals(CallbackRejectedException.Reason.REPLAY_STORE_UNAVAILABLE,
                assertThrows(CallbackRejectedException.class, () -> v.verify(callback("/cb", "a=1"))).reason());
    }

    @Test
    void fullInMemoryStoreFailsClosedAndStillRefusesReplays() throws Exception {
        CallbackVerifier v = builder().replayProtection(Duration.ofMinutes(10), ReplayStore.inMemory(2, clock)).build();
        CallbackRequest first = callback("/cb", "object=a&reqId=1");
        v.verify(first);
        v.verify(callback("/cb", "object=a&reqId=2"));
        CallbackRejectedException full = assertThrows(CallbackRejectedException.class,
                () -> v.verify(callback("/cb", "object=a&reqId=3")));
        assertEquals(CallbackRejectedException.Reason.REPLAY_STORE_UNAVAILABLE, full.reason());
        assertEquals(503, full.reason().httpStatus());
        assertEquals(CallbackRejectedException.Reason.REPLAYED,
                assertThrows(CallbackRejectedException.class, () -> v.verify(first)).reason());
        clock.advance(Duration.ofMinutes(10));
        v.verify(callback("/cb", "object=a&reqId=3"));
    }

    @Test
    void isOffByDefault() throws Exception {
        CallbackVerifier v = builder().build();
        CallbackRequest request = callback("/cb", "a=1");
        v.verify(request);
        v.verify(request);
    }
}
