package io.github.osscallback.testing;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_SIGNATURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EventBridge HTTP targets, signature v1 (HMAC-SHA1 secret, RSA-signed): the contract, and what is v1's own. */
class EventBridgeDeliveryTest extends EventBridgeSignatureContract {

    @Override
    EventBridgeDeliverer signing(EventBridgeDeliverer deliverer) {
        return deliverer;
    }

    @Test
    void genuineDeliveryCarriesItsOssEvent() throws Exception {
        EventDelivery delivery = verifier.verify(deliverer.deliver(TARGET, EVENT).toEventRequest());
        OssEvent event = delivery.ossEvents().get(0);
        assertEquals("ObjectCreated:PostObject", event.eventName().orElseThrow());
        assertEquals("photos", event.bucket().orElseThrow());
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
    void signatureMethodOtherThanHmacSha1IsUnsupported() {
        assertEquals(UNSUPPORTED_SIGNATURE, refusal(deliverer.deliver(TARGET, EVENT)
                .withHeader("x-eventbridge-signature-method", "HMAC-SHA256")));
    }

    @Test
    void secretFromAnotherDeliveryIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        SignedDelivery other = deliverer.deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withHeader("x-eventbridge-signature-secret",
                other.header("x-eventbridge-signature-secret"))));
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
}
