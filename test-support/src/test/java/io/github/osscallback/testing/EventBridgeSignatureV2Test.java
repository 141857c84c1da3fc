package io.github.osscallback.testing;

import static io.github.osscallback.CallbackRejectedException.Reason.DUPLICATE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.STALE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_SIGNATURE;
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
 * EventBridge HTTP targets, signature v2 (SHA256withRSA over the v1 string with the hash method
 * in place of the signature method): genuine deliveries verify, every tampered one is refused.
 */
class EventBridgeSignatureV2Test {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final SigningCertificate CERT = SigningCertificate.generate();
    private static final String TARGET = "http://127.0.0.1:8080/events?tenant=a";
    private static final String EVENT = EventBridgeDeliverer.ossCloudEvent("EV-2", "ObjectCreated:PutObject",
            "cn-hangzhou", "photos", "b.jpg", 12, "\"0CC175B9C0F1B6A831C399E269772661\"", "REQ-2", NOW);

    private final ManualClock clock = new ManualClock(NOW);
    private LoopbackKeyServer certs;
    private EventVerifier verifier;
    private EventBridgeDeliverer deliverer;

    @BeforeEach
    void start() throws Exception {
        certs = LoopbackKeyServer.start();
        certs.serve("/eb/x509_public_certificate.pem", CERT.pem());
        verifier = verifier(EventVerifier.builder());
        deliverer = EventBridgeDeliverer.create(CERT, certs.url("/eb/x509_public_certificate.pem"), clock).signingV2();
    }

    private EventVerifier verifier(EventVerifier.Builder builder) {
        return builder.acceptEventBridge(KeyUrlPolicy.builder().allowPrefix(certs.baseUrl() + "/eb/").build())
                .clock(clock).build();
    }

    @AfterEach
    void stop() {
        verifier.close();
        certs.close();
    }

    private CallbackRejectedException.Reason refusal(SignedDelivery delivery) {
        return assertThrows(CallbackRejectedException.class, () -> verifier.verify(delivery.toEventRequest())).reason();
    }

    @Test
    void genuineV2DeliveryVerifies() throws Exception {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        assertEquals(null, genuine.header("x-eventbridge-signature"));
        EventDelivery delivery = verifier.verify(genuine.toEventRequest());
        assertEquals("EV-2", delivery.messageId().orElseThrow());
        assertEquals(NOW, delivery.signedAt());
        assertEquals("b.jpg", delivery.ossEvents().get(0).objectKey().orElseThrow());
    }

    @Test
    void tamperedBodyUrlOrQueryIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withBody(EVENT.replace("12", "13")
                .getBytes(StandardCharsets.UTF_8))));
        // The newline after the body is signed: a body with one added, or removed, does not verify.
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withBody((EVENT + "\n").getBytes(StandardCharsets.UTF_8))));
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withTarget("/events?tenant=b",
                "http://127.0.0.1:8080/events?tenant=b")));
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
    void hashMethodOtherThanSha256IsUnsupportedAndAbsentIsMissing() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        assertEquals(UNSUPPORTED_SIGNATURE, refusal(genuine.withHeader("x-eventbridge-hash-method", "SHA1")));
        assertEquals(MISSING_HEADER, refusal(genuine.withoutHeader("x-eventbridge-hash-method")));
    }

    @Test
    void signatureByAnotherKeyOrOfAnotherDeliveryIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        SignedDelivery other = deliverer.deliver(TARGET, EVENT.replace("EV-2", "EV-3"));
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withHeader("x-eventbridge-signature-v2",
                other.header("x-eventbridge-signature-v2"))));
        SignedDelivery forged = EventBridgeDeliverer.create(SigningCertificate.generate(),
                genuine.header("x-eventbridge-signature-url"), clock).signingV2().deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(forged));
    }

    @Test
    void withBothSignaturesV2DecidesAndAForgedV1BesideItChangesNothing() throws Exception {
        SignedDelivery both = deliverer.signingV1AndV2().deliver(TARGET, EVENT);
        // A broken v1 beside a genuine v2: v2 alone is judged.
        assertEquals("EV-2", verifier.verify(both.withHeader("x-eventbridge-signature", "AAAA").toEventRequest())
                .messageId().orElseThrow());
        // A genuine v1 beside a broken v2 is refused: a v2 signature present must hold.
        SignedDelivery fresh = deliverer.signingV1AndV2().deliver(TARGET, EVENT.replace("EV-2", "EV-4"));
        assertEquals(SIGNATURE_MISMATCH, refusal(fresh.withHeader("x-eventbridge-signature-v2",
                both.header("x-eventbridge-signature-v2"))));
    }

    @Test
    void tokenIsSignedAndCheckedWhenConfigured() throws Exception {
        SignedDelivery withToken = deliverer.withToken("t0ken").deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(withToken.withHeader("x-eventbridge-signature-token", "other")));
        verifier.close();
        verifier = verifier(EventVerifier.builder().eventBridgeToken("t0ken"));
        assertEquals(SIGNATURE_MISMATCH, refusal(deliverer.deliver(TARGET, EVENT)));
        assertEquals("EV-2", verifier.verify(withToken.toEventRequest()).messageId().orElseThrow());
    }

    @Test
    void timestampOutsideSixtySecondsIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        clock.advance(Duration.ofSeconds(60));
        assertEquals(STALE_DELIVERY, refusal(genuine));
    }

    @Test
    void certificateUrlOffPolicyIsRefusedWithoutAFetch() {
        certs.serve("/elsewhere/c.pem", CERT.pem());
        assertEquals(UNTRUSTED_KEY_URL, refusal(EventBridgeDeliverer.create(CERT, certs.url("/elsewhere/c.pem"), clock)
                .signingV2().deliver(TARGET, EVENT)));
        assertEquals(List.of(), certs.requests());
    }

    @Test
    void replayedEventIdIsADuplicate() throws Exception {
        verifier.verify(deliverer.deliver(TARGET, EVENT).toEventRequest());
        assertEquals(DUPLICATE_DELIVERY, refusal(deliverer.deliver(TARGET, EVENT)));
    }
}
