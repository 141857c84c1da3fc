package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.osscallback.internal.JsonCodec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Reads the bodies MNS and EventBridge deliver, after their signatures verified: MNS's
 * notification envelope (XML or JSON) or a SIMPLIFIED body, EventBridge's CloudEvents envelope,
 * and the OSS event records inside (docs/events.md, "Bodies").
 */
final class EventMessages {

    private EventMessages() {
    }

    /** An MNS notification: the message id (null if the envelope has none), its subscription, and the message. */
    static final class MnsNotification {
        final String messageId;
        final String subscription;
        final String message;

        MnsNotification(String messageId, String subscription, String message) {
            this.messageId = messageId;
            this.subscription = subscription;
            this.message = message;
        }
    }

    /**
     * Reads an MNS body: an XML {@code Notification} envelope, the same as JSON, or a SIMPLIFIED
     * body, which is the message itself and whose id travels in {@code x-mns-message-id}. A body
     * that is no envelope is taken as SIMPLIFIED when that header is there (a published message may
     * itself be XML or JSON), and refused when it is not.
     */
    static MnsNotification mns(byte[] body, String headerMessageId, String headerSubscription)
            throws CallbackRejectedException {
        MnsNotification envelope;
        try {
            envelope = envelope(body);
        } catch (CallbackRejectedException e) {
            if (headerMessageId == null) {
                throw e;
            }
            envelope = null;
        }
        if (envelope != null) {
            return envelope;
        }
        if (headerMessageId == null) {
            throw new CallbackRejectedException(MALFORMED_BODY, "MNS body is neither an XML nor a JSON notification,"
                    + " and no x-mns-message-id says it is a SIMPLIFIED one");
        }
        return new MnsNotification(headerMessageId, headerSubscription, new String(body, StandardCharsets.UTF_8));
    }

    /** The XML or JSON notification envelope, or null when the body does not start like one. */
    private static MnsNotification envelope(byte[] body) throws CallbackRejectedException {
        String text = new String(body, StandardCharsets.UTF_8).strip();
        if (text.startsWith("<")) {
            Element root = xml(body).getDocumentElement();
            if (!"Notification".equals(root.getLocalName())) {
                throw new CallbackRejectedException(MALFORMED_BODY, "MNS XML body's root is <"
                        + root.getLocalName() + ">, expected <Notification>");
            }
            return new MnsNotification(child(root, "MessageId"), child(root, "SubscriptionName"),
                    orEmpty(child(root, "Message")));
        }
        if (text.startsWith("{")) {
            JsonNode root = json(body);
            if (root.isObject() && root.has("MessageId") && root.has("Message")) {
                return new MnsNotification(root.path("MessageId").asText(null),
                        root.path("SubscriptionName").asText(null), root.path("Message").asText(""));
            }
        }
        return null;
    }

    /** The OSS events in a published message: JSON {@code {"events":[...]}}, possibly base64-encoded. */
    static List<OssEvent> ossEventsInMessage(String message) {
        JsonNode root = lenientJson(message);
        if (root == null) {
            String compact = message.strip();
            if (!compact.isEmpty() && compact.matches("[A-Za-z0-9+/=\\r\\n]+")) {
                try {
                    root = lenientJson(new String(Base64.getMimeDecoder().decode(compact), StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    root = null;
                }
            }
        }
        List<OssEvent> events = new ArrayList<>();
        if (root != null && root.path("events").isArray()) {
            for (JsonNode record : root.path("events")) {
                OssEvent event = OssEvent.fromRecord(record, null);
                if (event != null) {
                    events.add(event);
                }
            }
        }
        return events;
    }

    /** The message, base64-decoded when it is base64 of JSON (as OSS publishes to MNS). */
    static String unwrapped(String message) {
        if (lenientJson(message) != null) {
            return message;
        }
        String compact = message.strip();
        if (compact.isEmpty() || !compact.matches("[A-Za-z0-9+/=\\r\\n]+")) {
            return message;
        }
        try {
            String decoded = new String(Base64.getMimeDecoder().decode(compact), StandardCharsets.UTF_8);
            return lenientJson(decoded) != null ? decoded : message;
        } catch (IllegalArgumentException e) {
            return message;
        }
    }

    /** An EventBridge CloudEvents envelope, or null when the body is not a JSON object. */
    static JsonNode cloudEvent(byte[] body) {
        JsonNode root = lenientJson(new String(body, StandardCharsets.UTF_8));
        return root != null && root.isObject() ? root : null;
    }

    /** The OSS event in a CloudEvents envelope ({@code data}), its name from {@code type} if {@code data} has none. */
    static List<OssEvent> ossEventsInCloudEvent(JsonNode envelope) {
        if (envelope == null) {
            return List.of();
        }
        String type = envelope.path("type").asText(null);
        String fallback = type != null && type.startsWith("oss:") ? type.substring("oss:".length()) : type;
        OssEvent event = OssEvent.fromRecord(envelope.path("data"), fallback);
        return event == null ? List.of() : List.of(event);
    }

    private static JsonNode lenientJson(String text) {
        String t = text.strip();
        if (!t.startsWith("{")) {
            return null;
        }
        try {
            return JsonCodec.MAPPER.readTree(t);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static JsonNode json(byte[] body) throws CallbackRejectedException {
        try {
            return JsonCodec.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new CallbackRejectedException(MALFORMED_BODY, "MNS JSON body does not parse: "
                    + e.getClass().getSimpleName());
        }
    }

    /** XML without DTDs or external entities: the body is the sender's, checked only by its MD5. */
    private static Document xml(byte[] body) throws CallbackRejectedException {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            DocumentBuilder builder = factory.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // no "[Fatal Error]" on stderr
            return builder.parse(new ByteArrayInputStream(body));
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser refuses secure settings", e);
        } catch (SAXException | IOException e) {
            throw new CallbackRejectedException(MALFORMED_BODY, "MNS XML body does not parse: "
                    + e.getClass().getSimpleName());
        }
    }

    private static String child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeType() == Node.ELEMENT_NODE && name.equals(n.getLocalName())) {
                return n.getTextContent();
            }
        }
        return null;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
