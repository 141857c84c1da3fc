package io.github.osscallback.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.testing.OssCallbackSigner;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters without Spring: a plain registry, a real verifier, the names and tags the starter documents. */
class OssCallbackMetricsTest {

    private static final String KEY_URL = "https://keys.test/oss/k.pem";
    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final OssCallbackSigner signer = OssCallbackSigner.generate();

    private double requests(String outcome, String reason) {
        return registry.get(OssCallbackMetrics.REQUESTS).tags("outcome", outcome, "reason", reason).counter().count();
    }

    @Test
    void everySeriesIsRegisteredAtBindBeforeAnythingHappens() {
        OssCallbackMetrics.bind(registry);
        // One accepted series, one per reason code; two key-fetch timers.
        assertEquals(1 + CallbackRejectedException.Reason.values().length,
                registry.find(OssCallbackMetrics.REQUESTS).counters().size());
        for (CallbackRejectedException.Reason reason : CallbackRejectedException.Reason.values()) {
            assertEquals(0, requests("rejected", reason.code()));
        }
        assertEquals(0, requests("accepted", OssCallbackMetrics.NONE));
        assertEquals(2, registry.find(OssCallbackMetrics.KEY_FETCH).timers().size());
    }

    @Test
    void countsWhatAVerifierAcceptsAndRejectsByReasonCode() throws Exception {
        try (CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .listener(OssCallbackMetrics.bind(registry))
                .build()) {
            verifier.verify(signer.request(KEY_URL, "/cb", null, null, BODY).build());
            verifier.verify(signer.request(KEY_URL, "/cb", null, null, BODY).build());
            assertThrows(CallbackRejectedException.class, () -> verifier.verify(
                    OssCallbackSigner.generate().request(KEY_URL, "/cb", null, null, BODY).build()));
        }
        assertEquals(2, requests("accepted", OssCallbackMetrics.NONE));
        assertEquals(1, requests("rejected", CallbackRejectedException.Reason.SIGNATURE_MISMATCH.code()));
        double rejectedInAll = registry.find(OssCallbackMetrics.REQUESTS).tag("outcome", "rejected").counters()
                .stream().mapToDouble(Counter::count).sum();
        assertEquals(1, rejectedInAll);
    }

    @Test
    void keyFetchLatencyIsRecordedByOutcomeAndTheKeyUrlNeverBecomesASeries() {
        OssCallbackMetrics metrics = OssCallbackMetrics.bind(registry);
        metrics.keyFetched("https://keys.example/k.pem", Duration.ofMillis(250));
        metrics.keyFetchFailed("https://keys.example/other.pem", Duration.ofMillis(3000), "key_unavailable: timed out");
        metrics.keyFetchFailed("https://keys.example/third.pem", Duration.ofMillis(1000), "key_unavailable: 404");
        assertEquals(250, registry.get(OssCallbackMetrics.KEY_FETCH).tags("outcome", "success").timer()
                .totalTime(TimeUnit.MILLISECONDS));
        assertEquals(2, registry.get(OssCallbackMetrics.KEY_FETCH).tags("outcome", "failure").timer().count());
        assertEquals(4000, registry.get(OssCallbackMetrics.KEY_FETCH).tags("outcome", "failure").timer()
                .totalTime(TimeUnit.MILLISECONDS));
        assertEquals(2, registry.find(OssCallbackMetrics.KEY_FETCH).timers().size());
    }
}
