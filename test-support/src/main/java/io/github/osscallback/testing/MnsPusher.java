package io.github.osscallback.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A stand-in for MNS pushing topic messages to an HTTP endpoint, for tests: signs each delivery
 * as MNS does (RSA with SHA-1 over the method, {@code Content-MD5}, {@code Content-Type},
 * {@code Date}, the sorted {@code x-mns-*} headers and the request target; docs/events.md) with a
 * {@link SigningCertificate} the test serves on loopback, in each of MNS's three formats.
 */
public final class MnsPusher {

    /** MNS's notification formats. */
    public enum Format {
        /** An XML {@code Notification} envelope; {@code Content-MD5} is base64 of the hex digest. */
        XML,
        /** The same envelope as JSON; {@code Content-MD5} as for XML. */
        JSON,
        /** The message itself as the body, its metadata in {@code x-mns-*} headers; upper-case hex {@code Content-MD5}. */
        SIMPLIFIED
    }

    private static final String TOPIC_OWNER = "1234567890";
    private static final String TOPIC = "oss-events";
    private static final String SUBSCRIPTION = "oss-callback-test";

    private final SigningCertificate certificate;
    private final String certificateUrl;
    private final Clock clock;

    private MnsPusher(SigningCertificate certificate, String certificateUrl, Clock clock) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.certificateUrl = Objects.requireNonNull(certificateUrl, "certificateUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A pusher signing with this certificate, naming this URL for it, dating deliveries by the clock. */
    public static MnsPusher create(SigningCertificate certificate, String certificateUrl, Clock clock) {
        return new MnsPusher(certificate, certificateUrl, clock);
    }

    /** An OSS event message as OSS publishes it to an MNS topic: JSON {@code {"events":[record]}}. */
    public static String ossEventMessage(String eventName, String region, String bucket, String key, long size,
            String eTag, String requestId, Instant time) {
        ObjectNode message = OssEventRecords.JSON.createObjectNode();
        message.putArray("events").add(OssEventRecords.record(eventName, region, bucket, key, size, eTag, requestId,
                time));
        return message.toString();
    }

    /** A signed delivery of one message in the given format, to this request target (e.g. {@code /notifications}). */
    public SignedDelivery push(Format format, String target, String messageId, String message) {
        Instant now = clock.instant();
        String publishTime = Long.toString(now.toEpochMilli());
        String messageMd5 = hex(md5(message.getBytes(StandardCharsets.UTF_8))).toUpperCase(Locale.ROOT);
        byte[] body;
        String contentType;
        Map<String, String> mnsHeaders = new LinkedHashMap<>();
        mnsHeaders.put("x-mns-request-id", UUID.randomUUID().toString().replace("-", "").toUpperCase(Locale.ROOT));
        mnsHeaders.put("x-mns-signing-cert-url",
                Base64.getEncoder().encodeToString(certificateUrl.getBytes(StandardCharsets.UTF_8)));
        mnsHeaders.put("x-mns-version", "2015-06-06");
        switch (format) {
            case XML:
                contentType = "text/xml;charset=utf-8";
                body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                        + "<Notification xmlns=\"http://mns.aliyuncs.com/doc/v1/\">"
                        + "<TopicOwner>" + TOPIC_OWNER + "</TopicOwner><TopicName>" + TOPIC + "</TopicName>"
                        + "<Subscriber>" + TOPIC_OWNER + "</Subscriber><SubscriptionName>" + SUBSCRIPTION
                        + "</SubscriptionName><MessageId>" + escape(messageId) + "</MessageId>"
                        + "<Message>" + escape(message) + "</Message><MessageMD5>" + messageMd5 + "</MessageMD5>"
                        + "<PublishTime>" + publishTime + "</PublishTime></Notification>")
                        .getBytes(StandardCharsets.UTF_8);
                break;
            case JSON:
                contentType = "application/json;charset=utf-8";
                ObjectNode n = OssEventRecords.JSON.createObjectNode();
                n.put("TopicOwner", TOPIC_OWNER);
                n.put("TopicName", TOPIC);
                n.put("Subscriber", TOPIC_OWNER);
                n.put("SubscriptionName", SUBSCRIPTION);
                n.put("MessageId", messageId);
                n.put("Message", message);
                n.put("MessageMD5", messageMd5);
                n.put("PublishTime", publishTime);
                body = n.toString().getBytes(StandardCharsets.UTF_8);
                break;
            default:
                contentType = "text/plain;charset=utf-8";
                body = message.getBytes(StandardCharsets.UTF_8);
                mnsHeaders.put("x-mns-message-id", messageId);
                mnsHeaders.put("x-mns-publish-time", publishTime);
                mnsHeaders.put("x-mns-topic-owner", TOPIC_OWNER);
                mnsHeaders.put("x-mns-topic-name", TOPIC);
                mnsHeaders.put("x-mns-subscriber", TOPIC_OWNER);
                mnsHeaders.put("x-mns-subscription-name", SUBSCRIPTION);
        }
        String bodyHex = hex(md5(body));
        String contentMd5 = format == Format.SIMPLIFIED ? bodyHex.toUpperCase(Locale.ROOT)
                : Base64.getEncoder().encodeToString(bodyHex.getBytes(StandardCharsets.US_ASCII));
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.atZone(ZoneOffset.UTC));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-MD5", contentMd5);
        headers.put("Content-Type", contentType);
        headers.put("Date", date);
        headers.putAll(mnsHeaders);
        headers.put("Authorization", sign(stringToSign("POST", contentMd5, contentType, date, mnsHeaders, target)));
        return new SignedDelivery("POST", target, "http://127.0.0.1" + target, headers, body);
    }

    /** This project's own reading of MNS's rule (docs/events.md), kept apart from core's so each checks the other. */
    static String stringToSign(String method, String contentMd5, String contentType, String date,
            Map<String, String> headers, String target) {
        TreeMap<String, String> sorted = new TreeMap<>();
        headers.forEach((n, v) -> {
            String name = n.toLowerCase(Locale.ROOT);
            if (name.startsWith("x-mns-")) {
                sorted.put(name, v);
            }
        });
        StringBuilder s = new StringBuilder(method + "\n" + contentMd5 + "\n" + contentType + "\n" + date + "\n");
        sorted.forEach((n, v) -> s.append(n).append(':').append(v).append('\n'));
        return s.append(target).toString();
    }

    private String sign(String toSign) {
        try {
            Signature rsa = Signature.getInstance("SHA1withRSA");
            rsa.initSign(certificate.privateKey());
            rsa.update(toSign.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the test certificate's key", e);
        }
    }

    private static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return s.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
