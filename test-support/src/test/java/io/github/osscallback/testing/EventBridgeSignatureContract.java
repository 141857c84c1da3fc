package io.github.osscallback.testing;

import static io.github.osscallback.CallbackRejectedException.Reason.DUPLICATE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.STALE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.UNTRUSTED_KEY_URL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What holds for EventBridge HTTP targets under either signature version: genuine deliveries
 * verify, every signed part changed is refused, and the certificate policy, token, timestamp and
 * duplicate checks apply. Each version's test adds what is its own.
 */
abstract class EventBridgeSignatureContract {

    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final SigningCertificate CERT = SigningCertificate.generate();
    static final String TARGET = "http://127.0.0.1:8080/events?tenant=a";
    static final String EVENT = EventBridgeDeliverer.ossCloudEvent("EV-1", "ObjectCreated:PostObject",
            "cn-hangzhou", "photos", "a.jpg", 77, "\"9B2CF535F27731C974343645A3985328\"", "REQ-1", NOW);

    final ManualClock clock = new ManualClock(NOW);
    LoopbackKeyServer certs;
    EventVerifier verifier;
    EventBridgeDeliverer deliverer;

    /** The deliverer signing as this version does. */
    abstract EventBridgeDeliverer signing(EventBridgeDeliverer deliverer);

    @BeforeEach
    void start() throws Exception {
        certs = LoopbackKeyServer.start();
        certs.serve("/eb/x509_public_certificate_2021012101.pem", CERT.pem());
        verifier = verifier(EventVerifier.builder());
        deliverer = signing(EventBridgeDeliverer.create(CERT, certs.url("/eb/x509_public_certificate_2021012101.pem"),
                clock));
    }

    EventVerifier verifier(EventVerifier.Builder builder) {
        return builder.acceptEventBridge(KeyUrlPolicy.builder().allowPrefix(certs.baseUrl() + "/eb/").build())
                .clock(clock).build();
    }

    @AfterEach
    void stop() {
        verifier.close();
        certs.close();
    }

    CallbackRejectedException.Reason refusal(SignedDelivery delivery) {
        return assertThrows(CallbackRejectedException.class, () -> verifier.verify(delivery.toEventRequest())).reason();
    }

    @Test
    void genuineDeliveryVerifies() throws Exception {
        EventDelivery delivery = verifier.verify(deliverer.deliver(TARGET, EVENT).toEventRequest());
        assertEquals(EventDelivery.Service.EVENTBRIDGE, delivery.service());
        assertEquals("EV-1", delivery.messageId().orElseThrow());
        assertEquals(NOW, delivery.signedAt());
        assertEquals("a.jpg", delivery.ossEvents().get(0).objectKey().orElseThrow());
    }

    @Test
    void tamperedBodyIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withBody(EVENT.replace("77", "78")
                .getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void tamperedUrlOrQueryIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withTarget("/events?tenant=b",
                "http://127.0.0.1:8080/events?tenant=b")));
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withTarget("/other?tenant=a",
                "http://127.0.0.1:8080/other?tenant=a")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"x-eventbridge-signature-timestamp", "x-eventbridge-signature-version"})
    void everySignedHeaderChangedIsRefused(String header) {
        String value = header.endsWith("timestamp") ? Long.toString(NOW.toEpochMilli() - 1000) : "1.1";
        assertEquals(SIGNATURE_MISMATCH, refusal(deliverer.deliver(TARGET, EVENT).withHeader(header, value)));
    }

    @Test
    void certificateUrlChangedToAnotherAllowedUrlIsRefused() {
        certs.serve("/eb/copy.pem", CERT.pem());
        assertEquals(SIGNATURE_MISMATCH, refusal(deliverer.deliver(TARGET, EVENT)
                .withHeader("x-eventbridge-signature-url", certs.url("/eb/copy.pem"))));
    }

    @Test
    void deliverySignedByAnotherKeyIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        SignedDelivery forged = signing(EventBridgeDeliverer.create(SigningCertificate.generate(),
                genuine.header("x-eventbridge-signature-url"), clock)).deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(forged));
    }

    @Test
    void tokenIsSignedAndCheckedWhenConfigured() throws Exception {
        SignedDelivery withToken = deliverer.withToken("t0ken").deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(withToken.withHeader("x-eventbridge-signature-token", "other")));
        verifier.close();
        verifier = verifier(EventVerifier.builder().eventBridgeToken("t0ken"));
        assertEquals(SIGNATURE_MISMATCH, refusal(deliverer.deliver(TARGET, EVENT)));
        assertEquals("EV-1", verifier.verify(withToken.toEventRequest()).messageId().orElseThrow());
    }

    @Test
    void timestampOutsideSixtySecondsIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        clock.advance(Duration.ofSeconds(60));
        assertEquals(STALE_DELIVERY, refusal(genuine));
        clock.advance(Duration.ofSeconds(-120));
        assertEquals(STALE_DELIVERY, refusal(genuine));
    }

    @Test
    void certificateUrlOffPolicyIsRefusedWithoutAFetch() {
        certs.serve("/elsewhere/c.pem", CERT.pem());
        assertEquals(UNTRUSTED_KEY_URL, refusal(signing(EventBridgeDeliverer.create(CERT,
                certs.url("/elsewhere/c.pem"), clock)).deliver(TARGET, EVENT)));
        assertEquals(List.of(), certs.requests());
    }

    @Test
    void replayedEventIdIsADuplicate() throws Exception {
        verifier.verify(deliverer.deliver(TARGET, EVENT).toEventRequest());
        assertEquals(DUPLICATE_DELIVERY, refusal(deliverer.deliver(TARGET, EVENT)));
    }
}
