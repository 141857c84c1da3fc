package io.github.osscallback.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A stand-in for an EventBridge HTTP target's deliveries, for tests: signs each as EventBridge's
 * signature v1 does (docs/events.md): a fresh secret, encrypted with the
 * {@link SigningCertificate}'s private key into {@code x-eventbridge-signature-secret}, and
 * {@code x-eventbridge-signature} = base64 HMAC-SHA1 under it of the URL, the signature headers
 * and the body.
 */
public final class EventBridgeDeliverer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SigningCertificate certificate;
    private final String certificateUrl;
    private final Clock clock;
    private final String token;

    private EventBridgeDeliverer(SigningCertificate certificate, String certificateUrl, Clock clock, String token) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.certificateUrl = Objects.requireNonNull(certificateUrl, "certificateUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.token = token;
    }

    /** A deliverer signing with this certificate, naming this URL for it, stamping deliveries by the clock. */
    public static EventBridgeDeliverer create(SigningCertificate certificate, String certificateUrl, Clock clock) {
        return new EventBridgeDeliverer(certificate, certificateUrl, clock, null);
    }

    /** The same deliverer, sending (and signing) the target's {@code x-eventbridge-signature-token}. */
    public EventBridgeDeliverer withToken(String signatureToken) {
        return new EventBridgeDeliverer(certificate, certificateUrl, clock, Objects.requireNonNull(signatureToken));
    }

    /** An OSS event in EventBridge's CloudEvents envelope, as an OSS event source puts it on a bus. */
    public static String ossCloudEvent(String id, String eventName, String region, String bucket, String key,
            long size, String eTag, String requestId, Instant time) {
        ObjectNode event = OssEventRecords.JSON.createObjectNode();
        event.put("id", id);
        event.put("source", "acs.oss");
        event.put("specversion", "1.0");
        event.put("type", "oss:" + eventName);
        event.put("datacontenttype", "application/json;charset=utf-8");
        event.put("subject", "acs:oss:" + region + ":1234567890:" + bucket + "/" + key);
        event.put("time", time.toString());
        event.put("aliyunaccountid", "1234567890");
        event.put("aliyunregionid", region);
        event.set("data", OssEventRecords.record(eventName, region, bucket, key, size, eTag, requestId, time));
        return event.toString();
    }

    /** A signed delivery of this body to the target URL ({@code http://127.0.0.1:port/path?query}). */
    public SignedDelivery deliver(String targetUrl, String body) {
        URI uri = URI.create(targetUrl);
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] secretBytes = new byte[16];
        RANDOM.nextBytes(secretBytes);
        String secret = MnsPusher.hex(secretBytes);
        Map<String, String> signed = new LinkedHashMap<>();
        signed.put("x-eventbridge-signature-timestamp", Long.toString(clock.millis()));
        signed.put("x-eventbridge-signature-method", "HMAC-SHA1");
        signed.put("x-eventbridge-signature-version", "1.0");
        signed.put("x-eventbridge-signature-url", certificateUrl);
        if (token != null) {
            signed.put("x-eventbridge-signature-token", token);
        }
        StringBuilder toSign = new StringBuilder(targetUrl).append('\n');
        signed.forEach((n, v) -> toSign.append(n).append(": ").append(v).append('\n'));
        toSign.append(body).append('\n');
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json;charset=utf-8");
        headers.putAll(signed);
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            rsa.init(Cipher.ENCRYPT_MODE, certificate.privateKey());
            headers.put("x-eventbridge-signature-secret",
                    Base64.getEncoder().encodeToString(rsa.doFinal(secret.getBytes(StandardCharsets.UTF_8))));
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            headers.put("x-eventbridge-signature", Base64.getEncoder().encodeToString(
                    mac.doFinal(toSign.toString().getBytes(StandardCharsets.UTF_8))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the test certificate's key", e);
        }
        return new SignedDelivery("POST", target, targetUrl, headers, bodyBytes);
    }
}
