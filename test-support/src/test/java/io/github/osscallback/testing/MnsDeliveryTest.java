package io.github.osscallback.testing;

import static io.github.osscallback.CallbackRejectedException.Reason.CONTENT_MD5_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.INVALID_KEY;
import static io.github.osscallback.CallbackRejectedException.Reason.KEY_UNAVAILABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.DUPLICATE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.MALFORMED_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.METHOD_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.MISSING_HEADER;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.STALE_DELIVERY;
import static io.github.osscallback.CallbackRejectedException.Reason.UNSUPPORTED_SIGNATURE;
import static io.github.osscallback.CallbackRejectedException.Reason.UNTRUSTED_KEY_URL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventRequest;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** MNS topic push: genuine deliveries from the loopback pusher verify, every tampered one is refused with its reason. */
class MnsDeliveryTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final SigningCertificate CERT = SigningCertificate.generate();
    private static final String OSS_MESSAGE = MnsPusher.ossEventMessage("ObjectCreated:PutObject", "cn-hangzhou",
            "photos", "2026/a b.jpg", 1234, "5B3C1A2E053D763E1B002CC607C5A0FE", "5F6A0B1C2D3E4F", NOW);

    private final ManualClock clock = new ManualClock(NOW);
    private final List<String> heard = new CopyOnWriteArrayList<>();
    private LoopbackKeyServer certs;
    private EventVerifier verifier;
    private MnsPusher pusher;

    @BeforeEach
    void start() throws Exception {
        certs = LoopbackKeyServer.start();
        certs.serve("/mns/x509_public_certificate.pem", CERT.pem());
        verifier = verifier(EventVerifier.builder());
        pusher = MnsPusher.create(CERT, certs.url("/mns/x509_public_certificate.pem"), clock);
    }

    private EventVerifier verifier(EventVerifier.Builder builder) {
        return builder.acceptMns(KeyUrlPolicy.builder().allowPrefix(certs.baseUrl() + "/mns/").build())
                .clock(clock)
                .listener(new CallbackListener() {
                    @Override
                    public void eventAccepted(EventDelivery delivery) {
                        heard.add("accepted " + delivery.messageId().orElseThrow());
                    }

                    @Override
                    public void rejected(CallbackRejectedException.Reason reason) {
                        heard.add("rejected " + reason.code());
                    }
                })
                .build();
    }

    @AfterEach
    void stop() {
        verifier.close();
        certs.close();
    }

    private CallbackRejectedException.Reason refusal(SignedDelivery delivery) {
        return assertThrows(CallbackRejectedException.class, () -> verifier.verify(delivery.toEventRequest())).reason();
    }

    @ParameterizedTest
    @EnumSource(MnsPusher.Format.class)
    void genuineDeliveryVerifiesInEachFormatAndCarriesItsOssEvent(MnsPusher.Format format) throws Exception {
        EventDelivery delivery = verifier.verify(pusher.push(format, "/notifications", "MSG-1", OSS_MESSAGE)
                .toEventRequest());
        assertEquals(EventDelivery.Service.MNS, delivery.service());
        assertEquals("MSG-1", delivery.messageId().orElseThrow());
        assertEquals(NOW, delivery.signedAt());
        assertEquals(OSS_MESSAGE, delivery.message());
        OssEvent event = delivery.ossEvents().get(0);
        assertEquals("ObjectCreated:PutObject", event.eventName().orElseThrow());
        assertEquals("photos", event.bucket().orElseThrow());
        assertEquals("2026/a b.jpg", event.objectKey().orElseThrow());
        assertEquals(1234, event.size().getAsLong());
        assertEquals("5B3C1A2E053D763E1B002CC607C5A0FE", event.eTag().orElseThrow());
        assertEquals("5F6A0B1C2D3E4F", event.requestId().orElseThrow());
        assertEquals("cn-hangzhou", event.region().orElseThrow());
        assertEquals(NOW, event.eventTime().orElseThrow());
        assertEquals(OssEvent.uploadKey("photos", "2026/a b.jpg", "\"5b3c1a2e053d763e1b002cc607c5a0fe\""),
                event.uploadKey().orElseThrow());
        assertEquals(List.of("accepted MSG-1"), heard);
    }

    @Test
    void base64WrappedOssEventMessageIsUnwrapped() throws Exception {
        String wrapped = Base64.getEncoder().encodeToString(OSS_MESSAGE.getBytes(StandardCharsets.UTF_8));
        EventDelivery delivery = verifier.verify(pusher.push(MnsPusher.Format.XML, "/notifications", "MSG-1", wrapped)
                .toEventRequest());
        assertEquals(OSS_MESSAGE, delivery.message());
        assertEquals("photos", delivery.ossEvents().get(0).bucket().orElseThrow());
    }

    @Test
    void messageThatIsNoOssEventVerifiesWithNoEvents() throws Exception {
        EventDelivery delivery = verifier.verify(pusher.push(MnsPusher.Format.SIMPLIFIED, "/notifications", "M",
                "hello <world>").toEventRequest());
        assertEquals("hello <world>", delivery.message());
        assertEquals(List.of(), delivery.ossEvents());
    }

    @Test
    void simplifiedMessageThatIsItselfXmlVerifies() throws Exception {
        EventDelivery delivery = verifier.verify(pusher.push(MnsPusher.Format.SIMPLIFIED, "/notifications", "X",
                "<order id=\"7\"/>").toEventRequest());
        assertEquals("<order id=\"7\"/>", delivery.message());
    }

    @Test
    void certificatePastItsValidityStillVerifiesAsMnsOwnDoes() throws Exception {
        SigningCertificate old = SigningCertificate.generate(1024, Instant.parse("2015-01-01T00:00:00Z"),
                Instant.parse("2016-01-01T00:00:00Z"));
        certs.serve("/mns/old.pem", old.pem());
        MnsPusher oldPusher = MnsPusher.create(old, certs.url("/mns/old.pem"), clock);
        assertEquals("MSG-9", verifier.verify(oldPusher.push(MnsPusher.Format.XML, "/notifications", "MSG-9",
                OSS_MESSAGE).toEventRequest()).messageId().orElseThrow());
    }

    @Test
    void certificateIsFetchedOnceAndCached() throws Exception {
        for (int i = 0; i < 3; i++) {
            verifier.verify(pusher.push(MnsPusher.Format.JSON, "/notifications", "M" + i, OSS_MESSAGE).toEventRequest());
        }
        assertEquals(1, certs.requestCount("/mns/x509_public_certificate.pem"));
    }

    @Test
    void pinnedCertificateIsNeverFetched() throws Exception {
        verifier.close();
        verifier = verifier(EventVerifier.builder().pinCertificate(certs.url("/mns/x509_public_certificate.pem"),
                CERT.pem()));
        verifier.verify(pusher.push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE).toEventRequest());
        assertEquals(List.of(), certs.requests());
    }

    @Test
    void tamperedBodyIsRefusedByItsContentMd5() {
        SignedDelivery genuine = pusher.push(MnsPusher.Format.SIMPLIFIED, "/notifications", "M", OSS_MESSAGE);
        assertEquals(CONTENT_MD5_MISMATCH, refusal(genuine.withBody(OSS_MESSAGE.replace("1234", "9999")
                .getBytes(StandardCharsets.UTF_8))));
        SignedDelivery xml = pusher.push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE);
        assertEquals(CONTENT_MD5_MISMATCH, refusal(xml.withBody(new String(xml.body(), StandardCharsets.UTF_8)
                .replace("MessageId>M<", "MessageId>N<").getBytes(StandardCharsets.UTF_8))));
        assertEquals(List.of("rejected content_md5_mismatch", "rejected content_md5_mismatch"), heard);
    }

    @Test
    void bodyWithAMatchingButUnsignedContentMd5IsRefusedByTheSignature() {
        SignedDelivery genuine = pusher.push(MnsPusher.Format.SIMPLIFIED, "/notifications", "M", "one");
        SignedDelivery other = pusher.push(MnsPusher.Format.SIMPLIFIED, "/notifications", "M", "two");
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withBody(other.body())
                .withHeader("Content-MD5", other.header("Content-MD5"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Type", "Date", "x-mns-request-id", "x-mns-version", "x-mns-message-id",
        "x-mns-topic-name", "x-mns-subscription-name", "x-mns-publish-time"})
    void everySignedHeaderChangedIsRefused(String header) {
        SignedDelivery genuine = pusher.push(MnsPusher.Format.SIMPLIFIED, "/notifications", "M", OSS_MESSAGE);
        String value = header.equals("Date") ? "Mon, 07 Dec 2026 12:00:01 GMT" : genuine.header(header) + "x";
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withHeader(header, value)));
    }

    @Test
    void anAddedMnsHeaderIsRefusedForItIsSignedToo() {
        SignedDelivery genuine = pusher.push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE);
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withHeader("x-mns-message-tag", "urgent")));
    }

    @Test
    void certificateUrlChangedToAnotherAllowedUrlIsRefused() {
        certs.serve("/mns/copy.pem", CERT.pem());
        SignedDelivery genuine = pusher.push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE);
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withHeader("x-mns-signing-cert-url", Base64.getEncoder()
                .encodeToString(certs.url("/mns/copy.pem").getBytes(StandardCharsets.UTF_8)))));
    }

    @Test
    void resourceChangedIsRefused() {
        SignedDelivery genuine = pusher.push(MnsPusher.Format.XML, "/notifications?a=1", "M", OSS_MESSAGE);
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withTarget("/notifications?a=2", "http://127.0.0.1/n")));
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withTarget("/notifications", "http://127.0.0.1/n")));
        assertEquals(SIGNATURE_MISMATCH, refusal(genuine.withTarget("/other?a=1", "http://127.0.0.1/n")));
    }

    @Test
    void methodOtherThanPostIsRefused() {
        assertEquals(METHOD_NOT_ALLOWED, refusal(pusher.push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE)
                .withMethod("PUT")));
    }

    @Test
    void dateOutsideTheWindowEitherWayIsRefused() {
        SignedDelivery genuine = pusher.push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE);
        clock.advance(Duration.ofMinutes(15));
        assertEquals(STALE_DELIVERY, refusal(genuine));
        SignedDelivery ahead = pusher.push(MnsPusher.Format.XML, "/notifications", "N", OSS_MESSAGE);
        clock.advance(Duration.ofMinutes(-16));
        assertEquals(STALE_DELIVERY, refusal(ahead)); // 16 minutes ahead of the clock
        clock.advance(Duration.ofMinutes(2));
        assertEquals("N", assertDoesNotThrowVerify(ahead));
    }

    private String assertDoesNotThrowVerify(SignedDelivery delivery) {
        try {
            return verifier.verify(delivery.toEventRequest()).messageId().orElseThrow();
        } catch (CallbackRejectedException e) {
            throw new AssertionError("refused: " + e, e);
        }
    }

    @Test
    void certificateUrlOffPolicyIsRefusedWithoutAFetch() {
        certs.serve("/elsewhere/cert.pem", CERT.pem());
        MnsPusher offPolicy = MnsPusher.create(CERT, certs.url("/elsewhere/cert.pem"), clock);
        assertEquals(UNTRUSTED_KEY_URL, refusal(offPolicy.push(MnsPusher.Format.XML, "/notifications", "M",
                OSS_MESSAGE)));
        assertEquals(List.of(), certs.requests());
    }

    @Test
    void certificateHostFaultsAreOutagesOrInvalidKeysNeverAcceptance() {
        certs.serve("/mns/key-not-cert.pem", OssCallbackSigner.generate().publicKeyPem());
        assertEquals(INVALID_KEY, refusal(MnsPusher.create(CERT, certs.url("/mns/key-not-cert.pem"), clock)
                .push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE)));
        assertEquals(KEY_UNAVAILABLE, refusal(MnsPusher.create(CERT, certs.url("/mns/missing.pem"), clock)
                .push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE)));
        certs.answer("/mns/moved.pem", 302, "", Duration.ZERO,
                java.util.Map.of("Location", certs.url("/mns/x509_public_certificate.pem")));
        assertEquals(KEY_UNAVAILABLE, refusal(MnsPusher.create(CERT, certs.url("/mns/moved.pem"), clock)
                .push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE)));
        assertEquals(0, certs.requestCount("/mns/x509_public_certificate.pem"), "the redirect was not followed");
    }

    @Test
    void theDefaultPolicyAllowsOnlyMnsCertificateHosts() {
        KeyUrlPolicy policy = EventVerifier.mnsCertificates();
        assertTrue(policy.allows("https://mnstest.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem"));
        assertFalse(policy.allows("http://mnstest.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem"));
        assertFalse(policy.allows("https://mnstest.oss-cn-hangzhou.aliyuncs.com.evil.example/x.pem"));
        assertFalse(policy.allows("https://mns-cert.oss-cn-shanghai.aliyuncs.com/x.pem"));
        assertTrue(EventVerifier.mnsCertificates("cn-shanghai").allows("https://mns-cert.oss-cn-shanghai.aliyuncs.com/x.pem"));
    }

    @Test
    void replayedMessageIdIsADuplicateUntilReleased() throws Exception {
        SignedDelivery first = pusher.push(MnsPusher.Format.XML, "/notifications", "MSG-7", OSS_MESSAGE);
        EventDelivery accepted = verifier.verify(first.toEventRequest());
        assertEquals(DUPLICATE_DELIVERY, refusal(first));
        SignedDelivery retry = pusher.push(MnsPusher.Format.XML, "/notifications", "MSG-7", OSS_MESSAGE);
        assertEquals(DUPLICATE_DELIVERY, refusal(retry));
        assertEquals(200, DUPLICATE_DELIVERY.httpStatus());
        verifier.release(accepted);
        assertEquals("MSG-7", verifier.verify(retry.toEventRequest()).messageId().orElseThrow());
    }

    @Test
    void missingRepeatedOrMalformedHeadersAreRefused() {
        SignedDelivery genuine = pusher.push(MnsPusher.Format.XML, "/notifications", "M", OSS_MESSAGE);
        assertEquals(MISSING_HEADER, refusal(genuine.withoutHeader("Authorization")));
        assertEquals(MISSING_HEADER, refusal(genuine.withoutHeader("Content-MD5")));
        assertEquals(MISSING_HEADER, refusal(genuine.withoutHeader("Date")));
        assertEquals(MALFORMED_HEADER, refusal(genuine.withHeader("Authorization", "not base64!")));
        assertEquals(MALFORMED_HEADER, refusal(genuine.withHeader("Date", "yesterday")));
        EventRequest.Builder twice = EventRequest.builder("POST", "/notifications").body(genuine.body());
        genuine.headers().forEach(twice::header);
        twice.header("x-mns-version", "2015-06-06");
        assertEquals(MALFORMED_HEADER, assertThrows(CallbackRejectedException.class,
                () -> verifier.verify(twice.build())).reason());
    }

    @Test
    void anEventBridgeDeliveryIsRefusedByAnMnsOnlyVerifier() {
        SignedDelivery eb = EventBridgeDeliverer.create(CERT, certs.url("/mns/x509_public_certificate.pem"), clock)
                .deliver("http://127.0.0.1/events", "{}");
        assertEquals(UNSUPPORTED_SIGNATURE, refusal(eb));
    }

    @Test
    void deliveriesSentOverHttpVerifyOnAServerAndTamperedOnesGetTheirStatus() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", exchange -> {
            EventRequest.Builder request = EventRequest.builder(exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? ""
                            : "?" + exchange.getRequestURI().getRawQuery()))
                    .body(exchange.getRequestBody().readAllBytes());
            exchange.getRequestHeaders().forEach((name, values) -> values.forEach(v -> request.header(name, v)));
            int status;
            try {
                verifier.verify(request.build());
                status = 204;
            } catch (CallbackRejectedException e) {
                status = e.reason().httpStatus();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            SignedDelivery genuine = pusher.push(MnsPusher.Format.XML, "/notifications", "HTTP-1", OSS_MESSAGE);
            assertEquals(204, genuine.send(endpoint));
            assertEquals(200, genuine.send(endpoint)); // duplicate: the sender stops retrying
            assertEquals(403, pusher.push(MnsPusher.Format.XML, "/notifications", "HTTP-2", OSS_MESSAGE)
                    .withHeader("x-mns-version", "2099-01-01").send(endpoint));
        } finally {
            server.stop(0);
        }
    }
}
