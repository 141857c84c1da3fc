package io.github.osscallback.testing;

import static io.github.osscallback.CallbackRejectedException.Reason.DUPLICATE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.STALE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_SIGNATURE;
import static io.github.osscallback.CallbackRejectedException.Reason.UNTRUSTED_KEY_URL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** EventBridge HTTP targets, signature v1: genuine deliveries verify, every tampered one is refused with its reason. */
class EventBridgeDeliveryTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final SigningCertificate CERT = SigningCertificate.generate();
    private static final String TARGET = "http://127.0.0.1:8080/events?tenant=a";
    private static final String EVENT = EventBridgeDeliverer.ossCloudEvent("EV-1", "ObjectCreated:PostObject",
            "cn-hangzhou", "photos", "a.jpg", 77, "\"9B2CF535F27731C974343645A3985328\"", "REQ-1", NOW);

    private final ManualClock clock = new ManualClock(NOW);
    private LoopbackKeyServer certs;
    private EventVerifier verifier;
    private EventBridgeDeliverer deliverer;

    @BeforeEach
    void start() throws Exception {
        certs = LoopbackKeyServer.start();
        certs.serve("/eb/x509_public_certificate_2021012101.pem", CERT.pem());
        verifier = verifier(EventVerifier.builder());
        deliverer = EventBridgeDeliverer.create(CERT, certs.url("/eb/x509_public_certificate_2021012101.pem"), clock);
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
    void genuineDeliveryVerifiesAndCarriesItsOssEvent() throws Exception {
        EventDelivery delivery = verifier.verify(deliverer.deliver(TARGET, EVENT).toEventRequest());
        assertEquals(EventDelivery.Service.EVENTBRIDGE, delivery.service());
        assertEquals("EV-1", delivery.messageId().orElseThrow());
        assertEquals(NOW, delivery.signedAt());
        OssEvent event = delivery.ossEvents().get(0);
        assertEquals("ObjectCreated:PostObject", event.eventName().orElseThrow());
        assertEquals("photos", event.bucket().orElseThrow());
        assertEquals("a.jpg", event.objectKey().orElseThrow());
        assertEquals(77, event.size().getAsLong());
        assertEquals("REQ-1", event.requestId().orElseThrow());
        assertEquals(OssEvent.uploadKey("photos", "a.jpg", "9b2cf535f27731c974343645a3985328"),
                event.uploadKey().orElseThrow());
    }

    @Test
    void bodyThatIsNoCloudEventVerifiesWithoutIdOrEvents() throws Exception {
        EventDelivery delivery = verifier.verify(deliverer.deliver(TARGET, "plain text").toEventRequest());
        assertTrue(delivery.messageId().isEmpty());
        assertEquals(List.of(), delivery.ossEvents());
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
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        String value = header.endsWith("timestamp") ? Long.toString(NOW.toEpochMilli() - 1000) : "1.1";
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withHeader(header, value)));
    }

    @Test
    void certificateUrlChangedToAnotherAllowedUrlIsRefused() {
        certs.serve("/eb/copy.pem", CERT.pem());
        assertEquals(SIGNATURE_MISMATCH, refusal(deliverer.deliver(TARGET, EVENT)
                .withHeader("x-eventbridge-signature-url", certs.url("/eb/copy.pem"))));
    }

    @Test
    void signatureMethodOtherThanHmacSha1IsUnsupported() {
        assertEquals(UNSUPPORTED_SIGNATURE, refusal(deliverer.deliver(TARGET, EVENT)
                .withHeader("x-eventbridge-signature-method", "HMAC-SHA256")));
    }

    @Test
    void secretOrSignatureFromAnotherDeliveryIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        SignedDelivery other = deliverer.deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withHeader("x-eventbridge-signature-secret",
                other.header("x-eventbridge-signature-secret"))));
        SigningCertificate stranger = SigningCertificate.generate();
        SignedDelivery forged = EventBridgeDeliverer.create(stranger, genuine.header("x-eventbridge-signature-url"),
                clock).deliver(TARGET, EVENT);
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
        assertEquals(UNTRUSTED_KEY_URL, refusal(EventBridgeDeliverer.create(CERT, certs.url("/elsewhere/c.pem"), clock)
                .deliver(TARGET, EVENT)));
        assertEquals(List.of(), certs.requests());
    }

    @Test
    void regionPoliciesAllowTheDocumentedAndTheSdkHosts() {
        KeyUrlPolicy policy = EventVerifier.eventBridgeCertificates("cn-hangzhou");
        assertTrue(policy.allows("https://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com/x509_public_certificate.pem"));
        assertTrue(policy.allows("https://cn-hangzhou-eventbridge.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate_2021012101.pem"));
        assertFalse(policy.allows("https://cn-shanghai-eventbridge.oss-accelerate.aliyuncs.com/x.pem"));
        assertFalse(policy.allows("http://cn-hangzhou-eventbridge.oss-accelerate.aliyuncs.com/x.pem"));
        assertThrows(IllegalArgumentException.class, () -> EventVerifier.eventBridgeCertificates("evil.example/"));
    }

    @Test
    void missingOrMalformedHeadersAreRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        assertEquals(MISSING_HEADER, refusal(genuine.withoutHeader("x-eventbridge-signature-secret")));
        assertEquals(MISSING_HEADER, refusal(genuine.withoutHeader("x-eventbridge-signature-url")));
        assertEquals(MALFORMED_HEADER, refusal(genuine.withHeader("x-eventbridge-signature-timestamp", "soon")));
        assertEquals(MISSING_HEADER, refusal(genuine.withoutHeader("x-eventbridge-signature")
                .withoutHeader("x-eventbridge-signature-url").withHeader("x-other", "1")));
    }

    @Test
    void replayedEventIdIsADuplicate() throws Exception {
        verifier.verify(deliverer.deliver(TARGET, EVENT).toEventRequest());
        assertEquals(DUPLICATE_DELIVERY, refusal(deliverer.deliver(TARGET, EVENT)));
    }
}
