package io.github.osscallback.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
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
 * A stand-in for an EventBridge HTTP target's deliveries, for tests. By default it signs each as
 * EventBridge's signature v1 does (docs/events.md): a fresh secret, encrypted with the
 * {@link SigningCertificate}'s private key into {@code x-eventbridge-signature-secret}, and
 * {@code x-eventbridge-signature} = base64 HMAC-SHA1 under it of the URL, the signature headers
 * and the body. {@link #signingV2()} signs as v2 does instead: {@code x-eventbridge-signature-v2}
 * = base64 SHA256withRSA under the certificate's key of the same string, with
 * {@code x-eventbridge-hash-method: SHA256} in place of the v1 method.
 */
public final class EventBridgeDeliverer {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final SigningCertificate certificate;
    private final String certificateUrl;
    private final Clock clock;
    private final String token;
    private final boolean v1;
    private final boolean v2;

    private EventBridgeDeliverer(SigningCertificate certificate, String certificateUrl, Clock clock, String token,
            boolean v1, boolean v2) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.certificateUrl = Objects.requireNonNull(certificateUrl, "certificateUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.token = token;
        this.v1 = v1;
        this.v2 = v2;
    }

    /** A deliverer signing (v1) with this certificate, naming this URL for it, stamping deliveries by the clock. */
    public static EventBridgeDeliverer create(SigningCertificate certificate, String certificateUrl, Clock clock) {
        return new EventBridgeDeliverer(certificate, certificateUrl, clock, null, true, false);
    }

    /** The same deliverer, sending (and signing) the target's {@code x-eventbridge-signature-token}. */
    public EventBridgeDeliverer withToken(String signatureToken) {
        return new EventBridgeDeliverer(certificate, certificateUrl, clock, Objects.requireNonNull(signatureToken),
                v1, v2);
    }

    /** The same deliverer, signing with signature v2 only. */
    public EventBridgeDeliverer signingV2() {
        return new EventBridgeDeliverer(certificate, certificateUrl, clock, token, false, true);
    }

    /** The same deliverer, sending both signatures, each over its own string to sign. */
    public EventBridgeDeliverer signingV1AndV2() {
        return new EventBridgeDeliverer(certificate, certificateUrl, clock, token, true, true);
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
        String timestamp = Long.toString(clock.millis());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json;charset=utf-8");
        headers.put("x-eventbridge-signature-timestamp", timestamp);
        headers.put("x-eventbridge-signature-version", "1.0");
        headers.put("x-eventbridge-signature-url", certificateUrl);
        if (token != null) {
            headers.put("x-eventbridge-signature-token", token);
        }
        try {
            if (v1) {
                byte[] secretBytes = new byte[16];
                RANDOM.nextBytes(secretBytes);
                byte[] secret = MnsPusher.hex(secretBytes).getBytes(StandardCharsets.UTF_8);
                Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
                rsa.init(Cipher.ENCRYPT_MODE, certificate.privateKey());
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(new SecretKeySpec(secret, "HmacSHA1"));
                headers.put("x-eventbridge-signature-method", "HMAC-SHA1");
                headers.put("x-eventbridge-signature-secret", BASE64.encodeToString(rsa.doFinal(secret)));
                headers.put("x-eventbridge-signature", BASE64.encodeToString(mac.doFinal(
                        stringToSign(targetUrl, timestamp, "x-eventbridge-signature-method", "HMAC-SHA1", body))));
            }
            if (v2) {
                Signature rsa = Signature.getInstance("SHA256withRSA");
                rsa.initSign(certificate.privateKey());
                rsa.update(stringToSign(targetUrl, timestamp, "x-eventbridge-hash-method", "SHA256", body));
                headers.put("x-eventbridge-hash-method", "SHA256");
                headers.put("x-eventbridge-signature-v2", BASE64.encodeToString(rsa.sign()));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the test certificate's key", e);
        }
        return new SignedDelivery("POST", target, targetUrl, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The URL, then {@code name: value} lines for the timestamp, the algorithm, the version, the
     * certificate URL and the token if any, then the body and a newline; written from the rules in
     * docs/events.md, apart from the verifier's code, so tests check the verifier against them.
     */
    private byte[] stringToSign(String targetUrl, String timestamp, String algorithmHeader, String algorithm,
            String body) {
        StringBuilder s = new StringBuilder(targetUrl).append('\n')
                .append("x-eventbridge-signature-timestamp: ").append(timestamp).append('\n')
                .append(algorithmHeader).append(": ").append(algorithm).append('\n')
                .append("x-eventbridge-signature-version: 1.0\n")
                .append("x-eventbridge-signature-url: ").append(certificateUrl).append('\n');
        if (token != null) {
            s.append("x-eventbridge-signature-token: ").append(token).append('\n');
        }
        return s.append(body).append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }
}
