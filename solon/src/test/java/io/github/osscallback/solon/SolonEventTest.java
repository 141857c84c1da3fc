package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssEvent;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.EventBridgeDeliverer;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * OSS event deliveries on a real Solon application (smart-http), configured from
 * {@code oss.callback.events.*} start-up arguments: genuine MNS and EventBridge deliveries, signed
 * by the test artifact just before they are sent, reach the handler with their exact payload;
 * everything else is refused by the plugin's event filter before any handler runs.
 */
class SolonEventTest {

    private static final String ETAG = "5B3C1A2E053D763E1B002CC607C5A0FE";
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        port = TestApplication.start();
    }

    @BeforeEach
    void clear() {
        TestApplication.EVENTS.clear();
        TestApplication.EVENT_PAYLOADS.clear();
        TestApplication.EVENT_FAILURES.set(0);
        TestApplication.EVENT_THROWS.set(0);
    }

    /** A message id no other test uses: the application's duplicate store lives as long as the JVM. */
    private static String id() {
        return "MSG-" + UUID.randomUUID();
    }

    private static String certUrl() {
        return TestApplication.eventKeys().url("/events/cert.pem");
    }

    /** Signs now: the deliveries are sent at once, well within the windows (MNS 15 min, EventBridge 60 s). */
    private static MnsPusher pusher() {
        return MnsPusher.create(TestApplication.EVENT_CERT, certUrl(), Clock.systemUTC());
    }

    private static EventBridgeDeliverer deliverer() {
        return EventBridgeDeliverer.create(TestApplication.EVENT_CERT, certUrl(), Clock.systemUTC());
    }

    private static String message() {
        return MnsPusher.ossEventMessage("ObjectCreated:PutObject", "cn-hangzhou", "photos", "2026/a b.jpg", 1234,
                ETAG, "REQ-1", Instant.now());
    }

    private static SignedDelivery mns(MnsPusher.Format format, String path, String id) {
        return pusher().push(format, path + "?topic=uploads", id, message());
    }

    private static SignedDelivery eventBridge(EventBridgeDeliverer deliverer, String path, String id) {
        return deliverer.deliver("http://127.0.0.1:" + port + path, EventBridgeDeliverer.ossCloudEvent(id,
                "ObjectCreated:PutObject", "cn-hangzhou", "photos", "2026/a b.jpg", 1234, ETAG, "REQ-1",
                Instant.now()));
    }

    private static RawHttp.Response send(SignedDelivery delivery) throws IOException {
        return RawHttp.post(port, delivery.target(), delivery.headers(), delivery.body());
    }

    /** A refusal: its status, the reason in a JSON body of exactly its Content-Length, and no handler called. */
    private static void assertRefused(SignedDelivery delivery, CallbackRejectedException.Reason reason)
            throws IOException {
        RawHttp.Response response = send(delivery);
        assertEquals(reason.httpStatus(), response.status(), response.body());
        String body = "{\"status\":\"REJECTED\",\"reason\":\"" + reason.code() + "\"}";
        assertEquals(body, response.body());
        assertEquals(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length), response.header("Content-Length"));
        assertEquals("application/json", response.header("Content-Type"));
        assertEquals(List.of(), TestApplication.EVENTS);
    }

    private static void assertReachedWithExactPayload(SignedDelivery delivery, EventDelivery.Service service) {
        assertEquals(1, TestApplication.EVENTS.size());
        EventDelivery seen = TestApplication.EVENTS.get(0);
        assertEquals(service, seen.service());
        assertArrayEquals(delivery.body(), seen.body());
        assertArrayEquals(delivery.body(), TestApplication.EVENT_PAYLOADS.get(0));
        OssEvent event = seen.ossEvents().get(0);
        assertEquals("photos", event.bucket().orElseThrow());
        assertEquals("2026/a b.jpg", event.objectKey().orElseThrow());
        assertEquals(OssEvent.uploadKey("photos", "2026/a b.jpg", ETAG), event.uploadKey().orElseThrow());
    }

    @ParameterizedTest
    @EnumSource(MnsPusher.Format.class)
    void genuineMnsDeliveryReachesTheHandlerWithItsExactPayload(MnsPusher.Format format) throws Exception {
        String id = id();
        SignedDelivery push = mns(format, "/oss/events/uploads", id);
        RawHttp.Response response = send(push);
        assertEquals(204, response.status(), response.body());
        assertReachedWithExactPayload(push, EventDelivery.Service.MNS);
        assertEquals(id, TestApplication.EVENTS.get(0).messageId().orElseThrow());
    }

    @Test
    void genuineEventBridgeV1DeliveryReachesTheHandler() throws Exception {
        SignedDelivery delivery = eventBridge(deliverer(), "/oss/events/uploads", id());
        assertEquals(204, send(delivery).status());
        assertReachedWithExactPayload(delivery, EventDelivery.Service.EVENTBRIDGE);
    }

    @Test
    void genuineEventBridgeV2DeliveryReachesTheHandler() throws Exception {
        SignedDelivery delivery = eventBridge(deliverer().signingV2(), "/oss/events/uploads", id());
        assertTrue(delivery.header("x-eventbridge-signature-v2") != null, delivery.headers().toString());
        assertEquals(204, send(delivery).status());
        assertReachedWithExactPayload(delivery, EventDelivery.Service.EVENTBRIDGE);
    }

    @Test
    void theHelperGivesTheDeliveryToAHandlerWithoutTheParameter() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.JSON, "/oss/events/flaky", id());
        RawHttp.Response response = send(push);
        assertEquals(200, response.status(), response.body());
        assertEquals("{\"stored\":true}", response.body());
        assertEquals(String.valueOf(response.body().length()), response.header("Content-Length"));
        assertReachedWithExactPayload(push, EventDelivery.Service.MNS);
    }

    @Test
    void tamperedMnsBodyIsRefused() throws Exception {
        assertRefused(mns(MnsPusher.Format.XML, "/oss/events/uploads", id())
                .withBody("{\"events\":[]}".getBytes(StandardCharsets.UTF_8)),
                CallbackRejectedException.Reason.CONTENT_MD5_MISMATCH);
    }

    @Test
    void tamperedMnsTargetIsRefused() throws Exception {
        SignedDelivery genuine = mns(MnsPusher.Format.XML, "/oss/events/uploads", id());
        assertRefused(genuine.withTarget("/oss/events/uploads?topic=other", genuine.url()),
                CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void tamperedEventBridgeBodiesAreRefused() throws Exception {
        for (EventBridgeDeliverer deliverer : List.of(deliverer(), deliverer().signingV2())) {
            SignedDelivery genuine = eventBridge(deliverer, "/oss/events/uploads", id());
            byte[] body = new String(genuine.body(), StandardCharsets.UTF_8).replace("photos", "photoz")
                    .getBytes(StandardCharsets.UTF_8);
            assertRefused(genuine.withBody(body), CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
        }
    }

    @Test
    void deliveriesSignedByAnotherKeyAreRefused() throws Exception {
        SigningCertificate forger = SigningCertificate.generate();
        assertRefused(MnsPusher.create(forger, certUrl(), Clock.systemUTC())
                .push(MnsPusher.Format.XML, "/oss/events/uploads", id(), message()),
                CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
        assertRefused(EventBridgeDeliverer.create(forger, certUrl(), Clock.systemUTC()).signingV2()
                .deliver("http://127.0.0.1:" + port + "/oss/events/uploads", "{\"id\":\"" + id() + "\"}"),
                CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void staleDeliveriesAreRefused() throws Exception {
        // Signed an hour ago: far outside both windows, however slow the machine.
        Clock past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        assertRefused(MnsPusher.create(TestApplication.EVENT_CERT, certUrl(), past)
                .push(MnsPusher.Format.XML, "/oss/events/uploads", id(), message()),
                CallbackRejectedException.Reason.STALE_DELIVERY);
        assertRefused(EventBridgeDeliverer.create(TestApplication.EVENT_CERT, certUrl(), past)
                .deliver("http://127.0.0.1:" + port + "/oss/events/uploads", "{\"id\":\"" + id() + "\"}"),
                CallbackRejectedException.Reason.STALE_DELIVERY);
    }

    @Test
    void certificateUrlOutsideTheConfiguredPrefixIsRefused() throws Exception {
        String elsewhere = TestApplication.eventKeys().url("/elsewhere/cert.pem");
        assertRefused(MnsPusher.create(TestApplication.EVENT_CERT, elsewhere, Clock.systemUTC())
                .push(MnsPusher.Format.XML, "/oss/events/uploads", id(), message()),
                CallbackRejectedException.Reason.UNTRUSTED_KEY_URL);
        assertRefused(EventBridgeDeliverer.create(TestApplication.EVENT_CERT, elsewhere, Clock.systemUTC())
                .deliver("http://127.0.0.1:" + port + "/oss/events/uploads", "{\"id\":\"" + id() + "\"}"),
                CallbackRejectedException.Reason.UNTRUSTED_KEY_URL);
    }

    @Test
    void oversizedDeliveryIsRefused() throws Exception {
        assertRefused(pusher().push(MnsPusher.Format.SIMPLIFIED, "/oss/events/uploads", id(), "x".repeat(9000)),
                CallbackRejectedException.Reason.BODY_TOO_LARGE);
    }

    @Test
    void requestWithoutTheSigningHeaderIsRefused() throws Exception {
        assertRefused(mns(MnsPusher.Format.XML, "/oss/events/uploads", id()).withoutHeader("x-mns-signing-cert-url"),
                CallbackRejectedException.Reason.MISSING_HEADER);
    }

    @Test
    void mnsDeliveryByAnotherMethodIsRefusedNamingTheAllowedOne() throws Exception {
        SignedDelivery put = mns(MnsPusher.Format.XML, "/oss/events/uploads", id()).withMethod("PUT");
        StringBuilder head = new StringBuilder("PUT ").append(put.target()).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        put.headers().forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(put.body().length).append("\r\nConnection: close\r\n\r\n");
        String body = "{\"status\":\"REJECTED\",\"reason\":\"method_not_allowed\"}";
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(put.body());
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            // smart-http writes no space after a header's colon.
            String lower = answer.toLowerCase(Locale.ROOT).replace(": ", ":");
            assertEquals("HTTP/1.1 405", answer.substring(0, 12), answer);
            assertTrue(lower.contains("\r\nallow:post\r\n"), answer);
            assertTrue(lower.contains("\r\ncontent-length:" + body.length() + "\r\n"), answer);
            assertTrue(answer.endsWith(body), answer);
        }
        assertEquals(List.of(), TestApplication.EVENTS);
    }

    @Test
    void redeliveryIsAnsweredTwoHundredWithoutTheHandler() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.XML, "/oss/events/uploads", id());
        SignedDelivery delivery = eventBridge(deliverer().signingV2(), "/oss/events/uploads", id());
        assertEquals(204, send(push).status());
        assertEquals(204, send(delivery).status());
        for (SignedDelivery again : List.of(push, delivery)) {
            RawHttp.Response response = send(again);
            assertEquals(200, response.status(), response.body());
            assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", response.body());
            assertEquals(String.valueOf(response.body().length()), response.header("Content-Length"));
        }
        assertEquals(2, TestApplication.EVENTS.size());
    }

    @Test
    void retryAfterTheHandlerAnsweredAnErrorReachesItAsAFirstDelivery() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.XML, "/oss/events/flaky", id());
        TestApplication.EVENT_FAILURES.set(1);
        assertEquals(503, send(push).status());
        assertEquals(200, send(push).status());
        RawHttp.Response third = send(push);
        assertEquals(200, third.status());
        assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", third.body());
        assertEquals(2, TestApplication.EVENTS.size());
        assertArrayEquals(push.body(), TestApplication.EVENT_PAYLOADS.get(1));
    }

    @Test
    void retryAfterTheHandlerThrewReachesItAsAFirstDelivery() throws Exception {
        SignedDelivery delivery = eventBridge(deliverer(), "/oss/events/throwing", id());
        TestApplication.EVENT_THROWS.set(1);
        assertEquals(500, send(delivery).status());
        assertEquals(204, send(delivery).status());
        assertEquals(200, send(delivery).status());
        assertEquals(2, TestApplication.EVENTS.size());
    }

    @Test
    void callbackPathsStillTakeCallbacksOnly() throws Exception {
        // An MNS delivery is not a callback: on a callback path it is refused as one.
        SignedDelivery push = mns(MnsPusher.Format.XML, "/oss/callback/reply", id());
        RawHttp.Response response = send(push);
        assertTrue(response.status() >= 400 && response.body().contains("\"REJECTED\""), response.body());
        assertEquals(List.of(), TestApplication.EVENTS);
    }

    @Test
    void anActionAskingForADeliveryOutsideTheEventPathsFailsAndNeverRuns() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.XML, "/unguarded/event", id());
        assertEquals(500, send(push).status());
        assertEquals(List.of(), TestApplication.EVENTS);
    }
}
