package io.github.osscallback;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A verified MNS or EventBridge delivery: who sent it, its message id, when it was signed, the
 * body, and the OSS events in it. Only {@link EventVerifier} creates these. Immutable.
 */
public final class EventDelivery {

    /** The service that delivered an event. */
    public enum Service {
        /** MNS (Simple Message Queue) topic push to an HTTP endpoint. */
        MNS,
        /** EventBridge HTTP target, signature v1. */
        EVENTBRIDGE
    }

    private final Service service;
    private final String messageId;
    private final String duplicateKey;
    private final String certificateUrl;
    private final Instant signedAt;
    private final byte[] body;
    private final String message;
    private final List<OssEvent> ossEvents;

    EventDelivery(Service service, String messageId, String duplicateKey, String certificateUrl, Instant signedAt,
            byte[] body, String message, List<OssEvent> ossEvents) {
        this.service = service;
        this.messageId = messageId;
        this.duplicateKey = duplicateKey;
        this.certificateUrl = certificateUrl;
        this.signedAt = signedAt;
        this.body = body.clone();
        this.message = message;
        this.ossEvents = List.copyOf(ossEvents);
    }

    /** Which service delivered it. */
    public Service service() {
        return service;
    }

    /** The message id: MNS's {@code MessageId}, EventBridge's CloudEvents {@code id}; empty when the body has none. */
    public Optional<String> messageId() {
        return Optional.ofNullable(messageId);
    }

    /**
     * The key under which the verifier recorded this delivery in its {@link ReplayStore} (empty when
     * the delivery has no message id, and so was not recorded); {@link EventVerifier#release} forgets it.
     */
    public Optional<String> duplicateKey() {
        return Optional.ofNullable(duplicateKey);
    }

    /** The certificate URL the delivery named, which the policy allowed. */
    public String certificateUrl() {
        return certificateUrl;
    }

    /** When the sender signed it: MNS's {@code Date}, EventBridge's signature timestamp. */
    public Instant signedAt() {
        return signedAt;
    }

    /** A copy of the body as received. */
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text. */
    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /**
     * The message published to the topic, unwrapped: MNS's {@code Message} in XML and JSON
     * notifications (base64-decoded when it is base64 of JSON), the body itself in SIMPLIFIED
     * ones; for EventBridge, the body (the CloudEvents envelope).
     */
    public String message() {
        return message;
    }

    /** The OSS events in the message; empty when it is not an OSS event message. */
    public List<OssEvent> ossEvents() {
        return ossEvents;
    }

    @Override
    public String toString() {
        return "EventDelivery[" + service + ", message " + messageId + ", " + ossEvents.size() + " OSS events]";
    }
}
