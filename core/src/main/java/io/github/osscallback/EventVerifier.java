package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BODY_TOO_LARGE;
import static io.github.osscallback.CallbackRejectedException.Reason.CONTENT_MD5_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.DUPLICATE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_BODY;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.METHOD_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.REPLAY_STORE_UNAVAILABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.STALE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_SIGNATURE;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.osscallback.internal.LogSafe;
import io.github.osscallback.internal.Once;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies OSS event deliveries pushed to an HTTP endpoint by MNS (topic subscriptions) and by
 * EventBridge (HTTP targets, signatures v1 and v2), with the machinery {@link CallbackVerifier} uses for
 * callbacks: the certificate URL named in the request must be allowed by a {@link KeyUrlPolicy};
 * the certificate is fetched (https as the policy says, no redirects, bounded size and time),
 * cached, or pinned; the signed time must be within a window; and a message id already accepted
 * is recognised through a {@link ReplayStore}. The signing rules, and what each rests on, are in
 * docs/events.md, with what is not settled by a published source (whether v2 signs the token).
 * Thread-safe; build one and share it, and close it on shutdown.
 */
public final class EventVerifier implements AutoCloseable {

    /** MNS's certificate host named by every version of its documentation. */
    public static final String MNS_CERTIFICATE_PREFIX = "https://mnstest.oss-cn-hangzhou.aliyuncs.com/";
    /** MNS's {@code Date} window, from its documentation: 15 minutes. */
    public static final Duration DEFAULT_MNS_DATE_WINDOW = Duration.ofMinutes(15);
    /** EventBridge's timestamp window, from its documentation and SDK: 60 seconds. */
    public static final Duration DEFAULT_EVENTBRIDGE_TIMESTAMP_WINDOW = Duration.ofSeconds(60);
    /**
     * How long an accepted message id is remembered: a day, so a redelivery after a long outage of
     * the endpoint is still recognised. It must be at least the time windows above, or a captured
     * delivery could be sent again after its id was forgotten and still be in its window.
     */
    public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofDays(1);
    /** The default body limit: MNS messages are at most 64 KiB, which base64 and XML enlarge. */
    public static final int DEFAULT_MAX_BODY_BYTES = 256 * 1024;
    /** Entries of the default in-memory duplicate store. */
    static final int DEFAULT_DUPLICATE_STORE_ENTRIES = 100_000;

    static final String MNS_AUTHORIZATION = "authorization";
    static final String MNS_CERT_URL = "x-mns-signing-cert-url";
    static final String EB_SIGNATURE = "x-eventbridge-signature";
    static final String EB_SIGNATURE_V2 = "x-eventbridge-signature-v2";
    static final String EB_HASH_METHOD = "x-eventbridge-hash-method";
    static final String EB_TIMESTAMP = "x-eventbridge-signature-timestamp";
    static final String EB_METHOD = "x-eventbridge-signature-method";
    static final String EB_VERSION = "x-eventbridge-signature-version";
    static final String EB_URL = "x-eventbridge-signature-url";
    static final String EB_TOKEN = "x-eventbridge-signature-token";
    static final String EB_SECRET = "x-eventbridge-signature-secret";
    private static final int MAX_HEADER_LENGTH = 4096;
    private static final Pattern REGION_ID = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,15}");
    private static final Pattern HEX_MD5 = Pattern.compile("[0-9a-fA-F]{32}");

    private final KeyUrls mnsUrls;
    private final PublicKeySource mnsCertificates;
    private final KeyUrls eventBridgeUrls;
    private final PublicKeySource eventBridgeCertificates;
    private final Duration mnsDateWindow;
    private final Duration eventBridgeWindow;
    private final String eventBridgeToken;
    private final ReplayStore duplicates;
    private final Duration duplicateWindow;
    private final int maxBodyBytes;
    private final BodyLimit bodyLimit;
    private final Clock clock;
    private final CallbackListener listener;

    private EventVerifier(Builder b, PublicKeySource mnsCertificates, PublicKeySource eventBridgeCertificates) {
        this.mnsUrls = b.mnsPolicy == null ? null : new KeyUrls(b.mnsPolicy);
        this.mnsCertificates = mnsCertificates;
        this.eventBridgeUrls = b.eventBridgePolicy == null ? null : new KeyUrls(b.eventBridgePolicy);
        this.eventBridgeCertificates = eventBridgeCertificates;
        this.mnsDateWindow = b.mnsDateWindow;
        this.eventBridgeWindow = b.eventBridgeWindow;
        this.eventBridgeToken = b.eventBridgeToken;
        this.duplicateWindow = b.duplicateWindow;
        this.clock = b.clock;
        this.duplicates = b.replayStore != null ? b.replayStore
                : ReplayStore.inMemory(DEFAULT_DUPLICATE_STORE_ENTRIES, b.clock);
        this.maxBodyBytes = b.maxBodyBytes;
        this.bodyLimit = new BodyLimit(b.maxBodyBytes);
        this.listener = b.listener;
    }

    /** A builder; accept at least one service ({@link Builder#acceptMns()}, {@link Builder#acceptEventBridge}). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The MNS certificate URLs its documentation names: {@link #MNS_CERTIFICATE_PREFIX}, and
     * {@code https://mns-cert.oss-<regionId>.aliyuncs.com/} for each region given (the newest
     * documentation's {@code mns-cert.oss-cn-{region}} host).
     */
    public static KeyUrlPolicy mnsCertificates(String... regionIds) {
        KeyUrlPolicy.Builder policy = KeyUrlPolicy.builder().allowPrefix(MNS_CERTIFICATE_PREFIX);
        for (String region : regionIds) {
            policy.allowPrefix("https://mns-cert.oss-" + region(region) + ".aliyuncs.com/");
        }
        return policy.build();
    }

    /**
     * The EventBridge certificate URLs for these regions: the documentation's
     * {@code https://<regionId>-eventbridge.oss-accelerate.aliyuncs.com/} and the SDK test's
     * {@code https://<regionId>-eventbridge.oss-<regionId>.aliyuncs.com/}.
     */
    public static KeyUrlPolicy eventBridgeCertificates(String... regionIds) {
        if (regionIds.length == 0) {
            throw new IllegalArgumentException("name at least one region, e.g. cn-hangzhou");
        }
        KeyUrlPolicy.Builder policy = KeyUrlPolicy.builder();
        for (String region : regionIds) {
            String r = region(region);
            policy.allowPrefix("https://" + r + "-eventbridge.oss-accelerate.aliyuncs.com/");
            policy.allowPrefix("https://" + r + "-eventbridge.oss-" + r + ".aliyuncs.com/");
        }
        return policy.build();
    }

    private static String region(String regionId) {
        if (!REGION_ID.matcher(regionId).matches()) {
            throw new IllegalArgumentException("'" + LogSafe.text(regionId) + "' is not a region id like cn-hangzhou");
        }
        return regionId;
    }

    /**
     * Verifies a delivery: MNS when it carries {@code x-mns-signing-cert-url}, EventBridge when it
     * carries an {@code x-eventbridge-signature} header. The delivery's message id is recorded as
     * seen; if the application then fails to handle it, {@link #release} lets the sender's retry in.
     *
     * @throws CallbackRejectedException when it is not a genuine delivery, or a duplicate
     *         ({@code duplicate_delivery}, answered 200 so the sender stops retrying)
     * @throws IllegalArgumentException for an EventBridge delivery whose request was built without
     *         its {@link EventRequest.Builder#url full URL}, which EventBridge signs
     */
    public EventDelivery verify(EventRequest request) throws CallbackRejectedException {
        Objects.requireNonNull(request, "request");
        return CallbackVerifier.await(heard(verified(request)));
    }

    /**
     * Verifies a delivery whose body is still to be read: reads it from {@code body} within
     * {@link #maxBodyBytes()}, refusing more before buffering it, then verifies as
     * {@link #verify(EventRequest)}. Any body {@code request} carries is ignored.
     *
     * @param declaredLength the Content-Length, or -1 when unknown (chunked)
     * @throws CallbackRejectedException as {@code verify}, and {@code body_too_large}, or
     *     {@code body_unreadable} on I/O failure or a body shorter than its Content-Length
     */
    public EventDelivery verify(EventRequest request, InputStream body, long declaredLength)
            throws CallbackRejectedException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(body, "body");
        CompletableFuture<EventDelivery> result;
        try {
            result = verified(request.withBody(bodyLimit.read(body, declaredLength)));
        } catch (CallbackRejectedException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return CallbackVerifier.await(heard(result));
    }

    /**
     * Verifies a delivery as {@link #verify(EventRequest)} does, without blocking the calling
     * thread on a certificate fetch or the duplicate store (one that implements
     * {@link ReplayStore#firstSeenAsync}): the stage completes on whichever thread finishes the
     * last of them, and at once when neither waits. Same reasons and listener events as the
     * blocking path, which is this one joined.
     *
     * @return a stage with the verified delivery, or failed with a {@link CallbackRejectedException}
     *     (wrapped in a {@link CompletionException} for dependent stages)
     */
    public CompletionStage<EventDelivery> verifyAsync(EventRequest request) {
        Objects.requireNonNull(request, "request");
        return heard(verified(request));
    }

    /**
     * Verifies a delivery whose body arrives from a publisher, without blocking: refused without
     * subscribing when it declares more than {@link #maxBodyBytes()}, and as soon as more than the
     * limit (or than its Content-Length) arrives, the subscription cancelled. Each buffer is copied
     * before {@code onNext} returns, so an adapter may release pooled buffers right after. Then
     * verifies as {@link #verifyAsync(EventRequest)}. Any body {@code request} carries is ignored.
     *
     * @param declaredLength the Content-Length, or -1 when unknown (chunked)
     */
    public CompletionStage<EventDelivery> verifyAsync(EventRequest request, Flow.Publisher<ByteBuffer> body,
                                                      long declaredLength) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(body, "body");
        return heard(bodyLimit.collect(body, declaredLength).thenCompose(bytes -> verified(request.withBody(bytes))));
    }

    /** The largest body accepted, in bytes. */
    public int maxBodyBytes() {
        return bodyLimit.maxBytes();
    }

    private CompletableFuture<EventDelivery> heard(CompletableFuture<EventDelivery> result) {
        return result.whenComplete((delivery, error) -> {
            if (error == null) {
                listener.eventAccepted(delivery);
                return;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof CallbackRejectedException) {
                listener.rejected(((CallbackRejectedException) cause).reason());
            }
        });
    }

    /**
     * Forgets a delivery's message id, so the sender's next attempt is taken as a first delivery:
     * call it when the application could not handle a delivery it was given (and answers 5xx).
     */
    public void release(EventDelivery delivery) {
        delivery.duplicateKey().ifPresent(duplicates::forget);
    }

    /**
     * {@link #release} without blocking on the duplicate store (one that implements
     * {@link ReplayStore#forgetAsync}); the stage always completes normally.
     */
    public CompletionStage<Void> releaseAsync(EventDelivery delivery) {
        return delivery.duplicateKey().map(key -> duplicates.forgetAsync(key))
                .orElse(CompletableFuture.completedFuture(null));
    }

    /** Where each accepted service's certificates stand (pinned, cached, last failure). */
    public Map<EventDelivery.Service, KeyStatus> certificateStatus() {
        Map<EventDelivery.Service, KeyStatus> status = new LinkedHashMap<>();
        if (mnsCertificates != null) {
            status.put(EventDelivery.Service.MNS, mnsCertificates.status());
        }
        if (eventBridgeCertificates != null) {
            status.put(EventDelivery.Service.EVENTBRIDGE, eventBridgeCertificates.status());
        }
        return status;
    }

    /** Stops certificate fetches and their threads; idempotent. */
    @Override
    public void close() {
        if (mnsCertificates != null) {
            mnsCertificates.close();
        }
        if (eventBridgeCertificates != null) {
            eventBridgeCertificates.close();
        }
    }

    /**
     * The verification: what the request itself shows at once; then the certificate (pinned or
     * cached: at once; fetched: when the fetch ends), signature and body; then the duplicate
     * store. Each wait is a future, so nothing here blocks; the blocking path joins the result.
     */
    private CompletableFuture<EventDelivery> verified(EventRequest request) {
        try {
            return verifiedOrThrow(request);
        } catch (CallbackRejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<EventDelivery> verifiedOrThrow(EventRequest request) throws CallbackRejectedException {
        if (request.bodyBytes().length > maxBodyBytes) {
            throw new CallbackRejectedException(BODY_TOO_LARGE, "body of " + request.bodyBytes().length
                    + " bytes exceeds the limit of " + maxBodyBytes);
        }
        boolean mns = !request.headers(MNS_CERT_URL).isEmpty();
        boolean eventBridge = !request.headers(EB_SIGNATURE).isEmpty() || !request.headers(EB_SIGNATURE_V2).isEmpty();
        if (mns && eventBridge) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "request carries both MNS and EventBridge signatures");
        }
        if (mns) {
            if (mnsUrls == null) {
                throw new CallbackRejectedException(UNSUPPORTED_SIGNATURE, "an MNS delivery, and this verifier"
                        + " accepts no MNS deliveries");
            }
            return verifyMns(request);
        }
        if (eventBridge) {
            if (eventBridgeUrls == null) {
                throw new CallbackRejectedException(UNSUPPORTED_SIGNATURE, "an EventBridge delivery, and this"
                        + " verifier accepts no EventBridge deliveries");
            }
            return verifyEventBridge(request);
        }
        throw new CallbackRejectedException(MISSING_HEADER, "neither " + MNS_CERT_URL + " nor " + EB_SIGNATURE
                + " is present");
    }

    // --- MNS (docs/events.md, "MNS HTTP push") ---

    private CompletableFuture<EventDelivery> verifyMns(EventRequest request) throws CallbackRejectedException {
        if (!request.method().equals("POST")) {
            throw new CallbackRejectedException(METHOD_NOT_ALLOWED, "method is " + LogSafe.text(request.method())
                    + ", MNS pushes with POST");
        }
        byte[] signature = base64(MNS_AUTHORIZATION, single(request, MNS_AUTHORIZATION, true));
        String certHeader = single(request, MNS_CERT_URL, true);
        String certificateUrl = new String(base64(MNS_CERT_URL, certHeader), StandardCharsets.ISO_8859_1);
        String date = single(request, "date", true);
        String contentMd5 = single(request, "content-md5", true);
        String contentType = single(request, "content-type", false);
        Instant signedAt = httpDate(date);
        requireWithin(signedAt, mnsDateWindow, "Date");
        URI fetch = mnsUrls.fetchUri(certificateUrl);
        return mnsCertificates.get(fetch).thenCompose(key -> checked(() -> {
            String toSign = mnsStringToSign(request, contentMd5, contentType == null ? "" : contentType, date);
            if (!rsaVerifies("SHA1withRSA", key, toSign.getBytes(StandardCharsets.UTF_8), signature)) {
                throw new CallbackRejectedException(SIGNATURE_MISMATCH, "MNS signature does not match the request"
                        + " under the certificate at " + LogSafe.text(certificateUrl));
            }
            requireMd5(contentMd5, request.bodyBytes());
            EventMessages.MnsNotification notification = EventMessages.mns(request.bodyBytes(),
                    single(request, "x-mns-message-id", false), single(request, "x-mns-subscription-name", false));
            if (notification.messageId == null || notification.messageId.isEmpty()) {
                throw new CallbackRejectedException(MALFORMED_BODY, "MNS delivery names no message id (neither a"
                        + " MessageId in the body nor x-mns-message-id)");
            }
            String message = EventMessages.unwrapped(notification.message);
            String duplicateKey = "mns:" + (notification.subscription == null ? "" : notification.subscription)
                    + ":" + notification.messageId;
            EventDelivery delivery = new EventDelivery(EventDelivery.Service.MNS, notification.messageId,
                    duplicateKey, certificateUrl, signedAt, request.bodyBytes(), message,
                    EventMessages.ossEventsInMessage(message));
            return recordFirst(duplicateKey, notification.messageId).thenApply(recorded -> delivery);
        }));
    }

    /**
     * {@code METHOD\nContent-MD5\nContent-Type\nDate\n} + every {@code x-mns-*} header as
     * {@code name:value\n} sorted by lower-case name + the raw request target.
     */
    static String mnsStringToSign(EventRequest request, String contentMd5, String contentType, String date)
            throws CallbackRejectedException {
        StringBuilder s = new StringBuilder();
        s.append(request.method()).append('\n').append(contentMd5).append('\n').append(contentType).append('\n')
                .append(date).append('\n');
        TreeMap<String, String> mnsHeaders = new TreeMap<>();
        for (Map.Entry<String, List<String>> h : request.headers().entrySet()) {
            if (h.getKey().startsWith("x-mns-")) {
                mnsHeaders.put(h.getKey(), single(request, h.getKey(), true));
            }
        }
        mnsHeaders.forEach((name, value) -> s.append(name).append(':').append(value).append('\n'));
        return s.append(request.target()).toString();
    }

    /** The body against the signed Content-MD5, in either form MNS sends: hex, or base64 of the hex. */
    static void requireMd5(String contentMd5, byte[] body) throws CallbackRejectedException {
        String hex;
        try {
            StringBuilder digits = new StringBuilder(32);
            for (byte b : MessageDigest.getInstance("MD5").digest(body)) {
                digits.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            hex = digits.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no MD5", e);
        }
        String claimed = contentMd5;
        if (!HEX_MD5.matcher(claimed).matches()) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(contentMd5);
            } catch (IllegalArgumentException e) {
                throw new CallbackRejectedException(MALFORMED_HEADER, "content-md5 is neither 32 hex digits nor base64");
            }
            claimed = new String(decoded, StandardCharsets.ISO_8859_1);
            if (!HEX_MD5.matcher(claimed).matches()) {
                throw new CallbackRejectedException(MALFORMED_HEADER, "content-md5 is base64 of "
                        + decoded.length + " bytes, not of 32 hex digits");
            }
        }
        if (!MessageDigest.isEqual(claimed.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII),
                hex.getBytes(StandardCharsets.US_ASCII))) {
            throw new CallbackRejectedException(CONTENT_MD5_MISMATCH, "the body's MD5 is not the signed content-md5");
        }
    }

    // --- EventBridge (docs/events.md, "EventBridge HTTP targets") ---

    /**
     * Signature v2 when the delivery carries it (an RSA signature, no shared secret to trust),
     * otherwise v1. A delivery carrying both is judged by v2 alone: v1 adds nothing a v2 signature
     * does not already prove.
     */
    private CompletableFuture<EventDelivery> verifyEventBridge(EventRequest request) throws CallbackRejectedException {
        boolean v2 = !request.headers(EB_SIGNATURE_V2).isEmpty();
        byte[] signature = v2 ? base64(EB_SIGNATURE_V2, single(request, EB_SIGNATURE_V2, true))
                : base64(EB_SIGNATURE, single(request, EB_SIGNATURE, true));
        String timestamp = single(request, EB_TIMESTAMP, true);
        String algorithmHeader = v2 ? EB_HASH_METHOD : EB_METHOD;
        String algorithm = single(request, algorithmHeader, true);
        String version = single(request, EB_VERSION, true);
        String certificateUrl = single(request, EB_URL, true);
        String token = single(request, EB_TOKEN, false);
        byte[] encryptedSecret = v2 ? null : base64(EB_SECRET, single(request, EB_SECRET, true));
        String defined = v2 ? "SHA256" : "HMAC-SHA1";
        if (!algorithm.equals(defined)) {
            throw new CallbackRejectedException(UNSUPPORTED_SIGNATURE, algorithmHeader + " is '"
                    + LogSafe.text(algorithm) + "', only " + defined + " is defined for signature " + (v2 ? "v2" : "v1"));
        }
        if (!DIGITS.matcher(timestamp).matches()) {
            throw new CallbackRejectedException(MALFORMED_HEADER, EB_TIMESTAMP + " is not milliseconds since the epoch");
        }
        Instant signedAt = Instant.ofEpochMilli(Long.parseLong(timestamp));
        requireWithin(signedAt, eventBridgeWindow, EB_TIMESTAMP);
        String url = request.url().orElseThrow(() -> new IllegalArgumentException(
                "EventBridge signs the target's full URL: build the EventRequest with url(...)"));
        if (eventBridgeToken != null && !eventBridgeToken.equals(token)) {
            throw new CallbackRejectedException(SIGNATURE_MISMATCH, EB_TOKEN + " is "
                    + (token == null ? "absent" : "not the configured token"));
        }
        URI fetch = eventBridgeUrls.fetchUri(certificateUrl);
        return eventBridgeCertificates.get(fetch).thenCompose(key -> checked(() -> {
            byte[] toSign = eventBridgeStringToSign(url, timestamp, algorithmHeader, algorithm, version,
                    certificateUrl, token, request.bodyBytes()).getBytes(StandardCharsets.UTF_8);
            boolean matches;
            if (v2) {
                matches = rsaVerifies("SHA256withRSA", key, toSign, signature);
            } else {
                byte[] secret = decryptSecret(key, encryptedSecret);
                try {
                    Mac mac = Mac.getInstance("HmacSHA1");
                    mac.init(new SecretKeySpec(secret, "HmacSHA1"));
                    matches = MessageDigest.isEqual(mac.doFinal(toSign), signature);
                } catch (GeneralSecurityException | IllegalArgumentException e) {
                    throw new CallbackRejectedException(SIGNATURE_MISMATCH,
                            "EventBridge secret is not a usable HMAC key");
                }
            }
            if (!matches) {
                throw new CallbackRejectedException(SIGNATURE_MISMATCH, "EventBridge signature " + (v2 ? "v2" : "v1")
                        + " does not match the request under the certificate at " + LogSafe.text(certificateUrl));
            }
            JsonNode envelope = EventMessages.cloudEvent(request.bodyBytes());
            String id = envelope == null ? null : envelope.path("id").asText(null);
            String duplicateKey = id == null || id.isEmpty() ? null
                    : "eventbridge:" + envelope.path("source").asText("") + ":" + id;
            EventDelivery delivery = new EventDelivery(EventDelivery.Service.EVENTBRIDGE, id, duplicateKey,
                    certificateUrl, signedAt, request.bodyBytes(),
                    new String(request.bodyBytes(), StandardCharsets.UTF_8),
                    EventMessages.ossEventsInCloudEvent(envelope));
            return duplicateKey == null ? CompletableFuture.completedFuture(delivery)
                    : recordFirst(duplicateKey, id).thenApply(recorded -> delivery);
        }));
    }

    /**
     * URL + {@code \n}, then {@code name: value\n} for the timestamp, the algorithm (v1's
     * {@code x-eventbridge-signature-method}, v2's {@code x-eventbridge-hash-method}), the version,
     * the certificate URL and (when present) the token, in that order, then the body and a final
     * {@code \n}: the v1 SDK's {@code StringToSignBuilder} and Alibaba's v2 sample receiver
     * (docs/events.md), whose documentation formulas show no last newline.
     */
    static String eventBridgeStringToSign(String url, String timestamp, String algorithmHeader, String algorithm,
            String version, String certificateUrl, String token, byte[] body) {
        StringBuilder s = new StringBuilder(url).append('\n');
        s.append(EB_TIMESTAMP).append(": ").append(timestamp).append('\n');
        s.append(algorithmHeader).append(": ").append(algorithm).append('\n');
        s.append(EB_VERSION).append(": ").append(version).append('\n');
        s.append(EB_URL).append(": ").append(certificateUrl).append('\n');
        if (token != null) {
            s.append(EB_TOKEN).append(": ").append(token).append('\n');
        }
        return s.append(new String(body, StandardCharsets.UTF_8)).append('\n').toString();
    }

    /** The HMAC secret: EventBridge encrypts it with its private key (RSA, PKCS#1 v1.5). */
    private static byte[] decryptSecret(PublicKey key, byte[] encrypted) throws CallbackRejectedException {
        try {
            Cipher rsa = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            rsa.init(Cipher.DECRYPT_MODE, key);
            byte[] secret = rsa.doFinal(encrypted);
            // The SDK turns the secret into text and back into UTF-8 bytes; the same here.
            return new String(secret, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new CallbackRejectedException(SIGNATURE_MISMATCH, EB_SECRET
                    + " does not decrypt under the certificate's key");
        }
    }

    // --- shared ---

    /** A step that may refuse, as a future: its rejection fails the future instead of being thrown. */
    private interface Step<T> {
        CompletableFuture<T> run() throws CallbackRejectedException;
    }

    private static <T> CompletableFuture<T> checked(Step<T> step) {
        try {
            return step.run();
        } catch (CallbackRejectedException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private CompletableFuture<Void> recordFirst(String key, String messageId) {
        CompletionStage<Boolean> recorded;
        try {
            recorded = duplicates.firstSeenAsync(key, duplicateWindow);
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        return recorded.toCompletableFuture().handle((first, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw new CompletionException(new CallbackRejectedException(REPLAY_STORE_UNAVAILABLE, "the duplicate"
                        + " store could not record message " + LogSafe.text(messageId) + ": "
                        + cause.getClass().getSimpleName(), cause));
            }
            if (!first) {
                throw new CompletionException(new CallbackRejectedException(DUPLICATE_DELIVERY, "message "
                        + LogSafe.text(messageId) + " was already accepted within " + duplicateWindow));
            }
            return null;
        });
    }

    private void requireWithin(Instant signedAt, Duration window, String header) throws CallbackRejectedException {
        Instant now = clock.instant();
        Duration age = Duration.between(signedAt, now);
        if (age.abs().compareTo(window) >= 0) {
            throw new CallbackRejectedException(STALE_DELIVERY, header + " " + signedAt + " is "
                    + age.abs().toSeconds() + " s " + (age.isNegative() ? "ahead of" : "before") + " now (" + now
                    + "); the window is " + window.toSeconds() + " s");
        }
    }

    private static Instant httpDate(String date) throws CallbackRejectedException {
        try {
            return ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw new CallbackRejectedException(MALFORMED_HEADER, "date is not an RFC 1123 date");
        }
    }

    private static boolean rsaVerifies(String algorithm, PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(data);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The one value of a header; repeated, over-long or (when required) absent or empty is refused. */
    static String single(EventRequest request, String name, boolean required) throws CallbackRejectedException {
        List<String> values = request.headers(name);
        if (values.isEmpty()) {
            if (required) {
                throw new CallbackRejectedException(MISSING_HEADER, name + " is absent");
            }
            return null;
        }
        if (values.size() > 1) {
            throw new CallbackRejectedException(MALFORMED_HEADER, name + " is repeated " + values.size() + " times");
        }
        String value = values.get(0);
        if (value.length() > MAX_HEADER_LENGTH) {
            throw new CallbackRejectedException(MALFORMED_HEADER, name + " is " + value.length()
                    + " characters, over " + MAX_HEADER_LENGTH);
        }
        if (required && value.isEmpty()) {
            throw new CallbackRejectedException(MISSING_HEADER, name + " is empty");
        }
        return value;
    }

    private static byte[] base64(String name, String value) throws CallbackRejectedException {
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new CallbackRejectedException(MALFORMED_HEADER, name + " is not valid base64");
        }
    }

    /** Configures an {@link EventVerifier}; each option may be set once. */
    public static final class Builder {
        private final Once once = new Once();
        private KeyUrlPolicy mnsPolicy;
        private KeyUrlPolicy eventBridgePolicy;
        private Duration mnsDateWindow = DEFAULT_MNS_DATE_WINDOW;
        private Duration eventBridgeWindow = DEFAULT_EVENTBRIDGE_TIMESTAMP_WINDOW;
        private String eventBridgeToken;
        private ReplayStore replayStore;
        private Duration duplicateWindow = DEFAULT_DUPLICATE_WINDOW;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private Clock clock = Clock.systemUTC();
        private CallbackListener listener = GuardedListener.NONE;
        private Duration certificateFetchTimeout = CallbackVerifier.DEFAULT_KEY_FETCH_TIMEOUT;
        private final List<String[]> pins = new ArrayList<>();
        /** Tests replace the HTTP fetch. */
        java.util.function.Function<URI, java.util.concurrent.CompletableFuture<PublicKey>> fetcher;

        private Builder() {
        }

        /** Accepts MNS deliveries whose certificate is under {@link #MNS_CERTIFICATE_PREFIX}. */
        public Builder acceptMns() {
            return acceptMns(mnsCertificates());
        }

        /** Accepts MNS deliveries whose certificate URL this policy allows (see {@link #mnsCertificates}). */
        public Builder acceptMns(KeyUrlPolicy certificatePolicy) {
            once.mark("acceptMns");
            this.mnsPolicy = Objects.requireNonNull(certificatePolicy, "certificatePolicy");
            return this;
        }

        /** Accepts EventBridge (v1) deliveries whose certificate URL this policy allows (see {@link #eventBridgeCertificates}). */
        public Builder acceptEventBridge(KeyUrlPolicy certificatePolicy) {
            once.mark("acceptEventBridge");
            this.eventBridgePolicy = Objects.requireNonNull(certificatePolicy, "certificatePolicy");
            return this;
        }

        /** How far MNS's {@code Date} may be from now, either way; default {@link #DEFAULT_MNS_DATE_WINDOW}. */
        public Builder mnsDateWindow(Duration window) {
            once.mark("mnsDateWindow");
            this.mnsDateWindow = positive("mnsDateWindow", window);
            return this;
        }

        /** How far EventBridge's timestamp may be from now; default {@link #DEFAULT_EVENTBRIDGE_TIMESTAMP_WINDOW}. */
        public Builder eventBridgeTimestampWindow(Duration window) {
            once.mark("eventBridgeTimestampWindow");
            this.eventBridgeWindow = positive("eventBridgeTimestampWindow", window);
            return this;
        }

        /** The signature token configured on the EventBridge target; deliveries must carry exactly it. */
        public Builder eventBridgeToken(String token) {
            once.mark("eventBridgeToken");
            this.eventBridgeToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /**
         * Where accepted message ids are remembered; default an in-memory store of 100,000 ids.
         * Share one store (Redis) between nodes, and with {@link CallbackVerifier}'s, so a redelivery
         * to another node is recognised too.
         */
        public Builder replayStore(ReplayStore store) {
            once.mark("replayStore");
            this.replayStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /** How long an accepted message id is remembered; default {@link #DEFAULT_DUPLICATE_WINDOW}. */
        public Builder duplicateWindow(Duration window) {
            once.mark("duplicateWindow");
            this.duplicateWindow = positive("duplicateWindow", window);
            return this;
        }

        /** The largest body accepted; default {@link #DEFAULT_MAX_BODY_BYTES}. */
        public Builder maxBodyBytes(int bytes) {
            once.mark("maxBodyBytes");
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBodyBytes must be positive, got " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /** The clock for time windows, certificate ages and the default duplicate store. */
        public Builder clock(Clock clock) {
            once.mark("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Hears accepted and rejected deliveries and certificate fetches. */
        public Builder listener(CallbackListener listener) {
            once.mark("listener");
            this.listener = new GuardedListener(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** The whole time one certificate fetch may take; default 3 s. */
        public Builder certificateFetchTimeout(Duration timeout) {
            once.mark("certificateFetchTimeout");
            this.certificateFetchTimeout = positive("certificateFetchTimeout", timeout);
            return this;
        }

        /**
         * Pins a certificate (PEM) for a URL an accepted service's policy allows: deliveries naming
         * that URL verify with it and nothing is fetched.
         */
        public Builder pinCertificate(String certificateUrl, String pem) {
            pins.add(new String[] {Objects.requireNonNull(certificateUrl, "certificateUrl"),
                    Objects.requireNonNull(pem, "pem")});
            return this;
        }

        private static Duration positive(String option, Duration d) {
            Objects.requireNonNull(d, option);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(option + " must be positive, got " + d);
            }
            return d;
        }

        /**
         * The verifier.
         *
         * @throws IllegalStateException if no service is accepted, a pin is allowed by no accepted
         *         policy or does not parse, or the duplicate window is shorter than a time window
         */
        public EventVerifier build() {
            if (mnsPolicy == null && eventBridgePolicy == null) {
                throw new IllegalStateException("accept MNS or EventBridge deliveries, or both");
            }
            if (mnsPolicy != null && duplicateWindow.compareTo(mnsDateWindow) < 0
                    || eventBridgePolicy != null && duplicateWindow.compareTo(eventBridgeWindow) < 0) {
                throw new IllegalStateException("duplicateWindow " + duplicateWindow + " is shorter than a time"
                        + " window, so a captured delivery could be accepted twice");
            }
            KeySources mnsKeys = keySources();
            KeySources ebKeys = keySources();
            for (String[] pin : pins) {
                if (mnsPolicy != null && mnsPolicy.allows(pin[0])) {
                    mnsKeys.pin(pin[0], pin[1]);
                } else if (eventBridgePolicy != null && eventBridgePolicy.allows(pin[0])) {
                    ebKeys.pin(pin[0], pin[1]);
                } else {
                    throw new IllegalStateException("certificate pinned for " + pin[0]
                            + " would never be used: no accepted service's policy allows that URL");
                }
            }
            PublicKeySource mns = mnsPolicy == null ? null
                    : mnsKeys.assemble(new KeyUrls(mnsPolicy), clock, listener);
            PublicKeySource eb = null;
            try {
                eb = eventBridgePolicy == null ? null
                        : ebKeys.assemble(new KeyUrls(eventBridgePolicy), clock, listener);
            } catch (RuntimeException e) {
                if (mns != null) {
                    mns.close();
                }
                throw e;
            }
            return new EventVerifier(this, mns, eb);
        }

        private KeySources keySources() {
            KeySources keys = new KeySources();
            keys.format = RemoteKeySource.KeyFormat.X509_CERTIFICATE;
            keys.pinnedOssKey = false;
            keys.fetchTimeout = certificateFetchTimeout;
            if (keys.connectTimeout.compareTo(certificateFetchTimeout) > 0) {
                keys.connectTimeout = certificateFetchTimeout;
            }
            keys.fetcher = fetcher;
            return keys;
        }
    }
}
