package io.github.osscallback.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The event meters without Spring: a plain registry, a real event verifier, deliveries from the loopback pusher. */
class OssEventMetricsTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final String CERT_URL = "https://certs.test/mns/cert.pem";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double deliveries(String outcome, String reason, String service) {
        return registry.get(OssEventMetrics.DELIVERIES).tags("outcome", outcome, "reason", reason, "service", service)
                .counter().count();
    }

    @Test
    void everySeriesIsRegisteredAtBind() {
        OssEventMetrics.bind(registry);
        assertEquals(2 + CallbackRejectedException.Reason.values().length,
                registry.find(OssEventMetrics.DELIVERIES).counters().size());
        assertEquals(0, deliveries("rejected", "duplicate_delivery", "none"));
    }

    @Test
    void countsAcceptedRedeliveredAndRefusedDeliveriesApartFromCallbacks() throws Exception {
        SigningCertificate cert = SigningCertificate.generate();
        ManualClock clock = new ManualClock(NOW);
        MnsPusher pusher = MnsPusher.create(cert, CERT_URL, clock);
        try (EventVerifier verifier = EventVerifier.builder()
                .acceptMns(KeyUrlPolicy.builder().allowPrefix("https://certs.test/mns/").build())
                .pinCertificate(CERT_URL, cert.pem())
                .clock(clock)
                .listener(OssEventMetrics.bind(registry))
                .build()) {
            SignedDelivery push = pusher.push(MnsPusher.Format.XML, "/events", "M-1", "hello");
            verifier.verify(push.toEventRequest());
            assertThrows(CallbackRejectedException.class, () -> verifier.verify(push.toEventRequest()));
            assertThrows(CallbackRejectedException.class, () -> verifier.verify(
                    push.withBody("x".getBytes(StandardCharsets.UTF_8)).toEventRequest()));
        }
        assertEquals(1, deliveries("accepted", "none", "mns"));
        assertEquals(1, deliveries("rejected", "duplicate_delivery", "none"));
        assertEquals(1, deliveries("rejected", "content_md5_mismatch", "none"));
        assertEquals(null, registry.find(OssCallbackMetrics.REQUESTS).counter());
    }
}
