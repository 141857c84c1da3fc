package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.KEY_UNAVAILABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.REPLAYED;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_EXPIRED;
import static io.github.osscallback.CompatFixture.FORM;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every Caffeine feature the library uses, on this Caffeine: the async key cache with its executor,
 * ticker and expiry, the failure back-off cache, the replay store's variable expiry, plus upload
 * tokens (Jackson again). Time moves only by {@link ManualClock}.
 */
class CompatCaffeineTest {

    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T00:00:00Z"));
    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private LoopbackKeyServer keyServer;

    @BeforeEach
    void start() throws Exception {
        keyServer = LoopbackKeyServer.start();
    }

    @AfterEach
    void stop() {
        keyServer.close();
    }

    private CallbackVerifier.Builder fetching() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .clock(clock);
    }

    private CallbackRequest signed(byte[] body) {
        return signer.request(keyServer.url("/oss/k.pem"), "/cb", null, FORM, body).build();
    }

    @Test
    void fetchesOnceCachesAndExpiresByTheClock() throws Exception {
        keyServer.serve("/oss/k.pem", signer.publicKeyPem());
        CallbackVerifier verifier = fetching().maxKeyAge(Duration.ofHours(2)).keyRefreshInterval(Duration.ofHours(1)).build();
        for (int i = 0; i < 10; i++) {
            verifier.verify(signed(BODY));
        }
        assertEquals(1, keyServer.requestCount("/oss/k.pem"));
        clock.advance(Duration.ofHours(3));
        verifier.verify(signed(BODY));
        assertEquals(2, keyServer.requestCount("/oss/k.pem"));
    }

    @Test
    void backsOffAfterAFailedFetchUntilTheClockSaysSo() throws Exception {
        keyServer.answer("/oss/k.pem", 500, "down", Duration.ZERO, Map.of());
        CallbackVerifier verifier = fetching().keyRetryBackoff(Duration.ofSeconds(5)).build();
        assertEquals(KEY_UNAVAILABLE, assertThrows(CallbackRejectedException.class, () -> verifier.verify(signed(BODY))).reason());
        assertEquals(KEY_UNAVAILABLE, assertThrows(CallbackRejectedException.class, () -> verifier.verify(signed(BODY))).reason());
        assertEquals(1, keyServer.requestCount("/oss/k.pem"));
        keyServer.serve("/oss/k.pem", signer.publicKeyPem());
        clock.advance(Duration.ofSeconds(6));
        verifier.verify(signed(BODY));
        assertEquals(2, keyServer.requestCount("/oss/k.pem"));
    }

    @Test
    void replayStoreExpiresEntriesWithTheirWindow() throws Exception {
        CompatFixture oss = new CompatFixture();
        CallbackVerifier verifier = oss.builder().clock(clock)
                .replayProtection(Duration.ofMinutes(10)).build(); // the verifier's clock reaches its store
        CallbackRequest request = oss.signed(FORM, "bucket=b&object=o&reqId=1");
        verifier.verify(request);
        assertEquals(REPLAYED, assertThrows(CallbackRejectedException.class, () -> verifier.verify(request)).reason());
        clock.advance(Duration.ofMinutes(11));
        verifier.verify(request);
    }

    @Test
    void uploadTokensBindAndExpire() throws Exception {
        UploadTokens tokens = UploadTokens.builder()
                .signingKey("k1", "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
                .clock(clock).build();
        CompatFixture oss = new CompatFixture();
        CallbackVerifier verifier = oss.builder().clock(clock).uploadTokens(tokens).build();
        String token = tokens.issueForObject("b", "users/42/cat.jpg", "user-42", Duration.ofMinutes(15));
        CallbackRequest request = oss.signed(FORM, "bucket=b&object=users%2F42%2Fcat.jpg&"
                + UploadTokens.BODY_FIELD + "=" + token);
        assertEquals("user-42", verifier.verify(request).uploadSubject().orElseThrow());
        clock.advance(Duration.ofMinutes(20));
        assertEquals(UPLOAD_TOKEN_EXPIRED, assertThrows(CallbackRejectedException.class, () -> verifier.verify(request)).reason());
    }
}
