package io.github.osscallback.testing;

import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_SIGNATURE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * EventBridge HTTP targets, signature v2 (SHA256withRSA over the v1 string with the hash method
 * in place of the signature method): the contract, and what is v2's own.
 */
class EventBridgeSignatureV2Test extends EventBridgeSignatureContract {

    @Override
    EventBridgeDeliverer signing(EventBridgeDeliverer deliverer) {
        return deliverer.signingV2();
    }

    @Test
    void aV2DeliveryCarriesNoV1Signature() {
        assertNull(deliverer.deliver(TARGET, EVENT).header("x-eventbridge-signature"));
    }

    @Test
    void theNewlineAfterTheBodyIsSigned() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withBody((EVENT + "\n").getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void hashMethodOtherThanSha256IsUnsupportedAndAbsentIsMissing() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        assertEquals(UNSUPPORTED_SIGNATURE, refusal(genuine.withHeader("x-eventbridge-hash-method", "SHA1")));
        assertEquals(MISSING_HEADER, refusal(genuine.withoutHeader("x-eventbridge-hash-method")));
    }

    @Test
    void signatureOfAnotherDeliveryIsRefused() {
        SignedDelivery genuine = deliverer.deliver(TARGET, EVENT);
        SignedDelivery other = deliverer.deliver(TARGET, EVENT.replace("EV-1", "EV-3"));
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withHeader("x-eventbridge-signature-v2",
                other.header("x-eventbridge-signature-v2"))));
    }

    @Test
    void withBothSignaturesV2DecidesAndAForgedV1BesideItChangesNothing() throws Exception {
        SignedDelivery both = deliverer.signingV1AndV2().deliver(TARGET, EVENT);
        // A broken v1 beside a genuine v2: v2 alone is judged.
        assertEquals("EV-1", verifier.verify(both.withHeader("x-eventbridge-signature", "AAAA").toEventRequest())
                .messageId().orElseThrow());
        // A genuine v1 beside a broken v2 is refused: a v2 signature present must hold.
        SignedDelivery fresh = deliverer.signingV1AndV2().deliver(TARGET, EVENT.replace("EV-1", "EV-4"));
        assertEquals(SIGNATURE_MISMATCH, refusal(fresh.withHeader("x-eventbridge-signature-v2",
                both.header("x-eventbridge-signature-v2"))));
    }
}
