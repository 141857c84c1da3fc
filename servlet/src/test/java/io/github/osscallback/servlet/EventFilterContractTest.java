package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssEvent;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.spi.EventEndpoint;
import io.github.osscallback.testing.EventBridgeDeliverer;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link OssEventFilter} must do in any Servlet container, with deliveries signed by the
 * test artifact's MNS pusher and EventBridge deliverer and sent over real HTTP; run on embedded
 * Jetty and Tomcat by the subclasses.
 */
abstract class EventFilterContractTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final SigningCertificate CERT = SigningCertificate.generate();
    private static final String MESSAGE = MnsPusher.ossEventMessage("ObjectCreated:PutObject", "cn-hangzhou",
            "photos", "2026/a b.jpg", 1234, "5B3C1A2E053D763E1B002CC607C5A0FE", "REQ-1", NOW);

    private final ManualClock clock = new ManualClock(NOW);
    private final List<EventDelivery> seen = new CopyOnWriteArrayList<>();
    private final List<byte[]> payloads = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();
    private LoopbackKeyServer certs;
    private EventVerifier verifier;
    private ContainerFixture container;
    private int port;
    private MnsPusher pusher;
    private EventBridgeDeliverer deliverer;

    abstract ContainerFixture newContainer();

    @BeforeEach
    void start() throws Exception {
        certs = LoopbackKeyServer.start();
        certs.serve("/events/cert.pem", CERT.pem());
        certs.serve("/elsewhere/cert.pem", CERT.pem());
        KeyUrlPolicy policy = KeyUrlPolicy.builder().allowPrefix(certs.baseUrl() + "/events/").build();
        verifier = EventVerifier.builder().acceptMns(policy).acceptEventBridge(policy).maxBodyBytes(8192)
                .clock(clock).build();
        container = newContainer();
        String base = container.start("", "/events/*", new OssEventFilter(verifier), Map.of(), new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
                seen.add(OssEvents.from(request));
                payloads.add(request.getInputStream().readAllBytes());
                if (failuresToAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    response.sendError(503);
                    return;
                }
                response.setStatus(204);
            }
        });
        port = URI.create(base).getPort();
        pusher = MnsPusher.create(CERT, certs.url("/events/cert.pem"), clock);
        deliverer = EventBridgeDeliverer.create(CERT, certs.url("/events/cert.pem"), clock);
    }

    @AfterEach
    void stop() throws Exception {
        container.close();
        verifier.close();
        certs.close();
    }

    private RawHttp.Response send(SignedDelivery delivery) throws IOException {
        return RawHttp.post(port, delivery.target(), delivery.headers(), delivery.body());
    }

    private SignedDelivery mns(String messageId) {
        return pusher.push(MnsPusher.Format.XML, "/events/mns?topic=uploads", messageId, MESSAGE);
    }

    private SignedDelivery eventBridge(String id) {
        return deliverer.deliver("http://127.0.0.1:" + port + "/events/eb", EventBridgeDeliverer.ossCloudEvent(id,
                "ObjectCreated:PutObject", "cn-hangzhou", "photos", "2026/a b.jpg", 1234,
                "5B3C1A2E053D763E1B002CC607C5A0FE", "REQ-1", NOW));
    }

    /** A refusal: its status, the reason in a JSON body of exactly its Content-Length, and no call into the application. */
    private void assertRefused(SignedDelivery delivery, CallbackRejectedException.Reason reason) throws IOException {
        RawHttp.Response response = send(delivery);
        assertEquals(reason.httpStatus(), response.status(), response.body());
        String body = "{\"status\":\"REJECTED\",\"reason\":\"" + reason.code() + "\"}";
        assertEquals(body, response.body());
        assertEquals(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length), response.header("Content-Length"));
        assertEquals(List.of(), seen);
    }

    @Test
    void genuineMnsDeliveryReachesTheApplicationWithItsEventAndRawPayload() throws Exception {
        SignedDelivery push = mns("MSG-1");
        assertEquals(204, send(push).status());
        EventDelivery delivery = seen.get(0);
        OssEvent event = delivery.ossEvents().get(0);
        assertEquals("photos", event.bucket().orElseThrow());
        assertEquals("2026/a b.jpg", event.objectKey().orElseThrow());
        assertEquals(OssEvent.uploadKey("photos", "2026/a b.jpg", "5B3C1A2E053D763E1B002CC607C5A0FE"),
                event.uploadKey().orElseThrow());
        assertArrayEquals(push.body(), payloads.get(0));
        assertArrayEquals(push.body(), delivery.body());
    }

    @Test
    void genuineEventBridgeDeliveryReachesTheApplication() throws Exception {
        assertEquals(204, send(eventBridge("EB-1")).status());
        assertEquals(EventDelivery.Service.EVENTBRIDGE, seen.get(0).service());
        assertEquals("photos", seen.get(0).ossEvents().get(0).bucket().orElseThrow());
    }

    @Test
    void tamperedMnsBodyIsRefused() throws Exception {
        assertRefused(mns("MSG-1").withBody("{\"events\":[]}".getBytes(StandardCharsets.UTF_8)),
                CallbackRejectedException.Reason.CONTENT_MD5_MISMATCH);
    }

    @Test
    void tamperedEventBridgeBodyIsRefused() throws Exception {
        SignedDelivery genuine = eventBridge("EB-1");
        byte[] body = new String(genuine.body(), StandardCharsets.UTF_8).replace("photos", "photoz")
                .getBytes(StandardCharsets.UTF_8);
        assertRefused(genuine.withBody(body), CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void tamperedMnsTargetIsRefused() throws Exception {
        SignedDelivery genuine = mns("MSG-1");
        assertRefused(genuine.withTarget("/events/mns?topic=other", genuine.url()),
                CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void staleDeliveriesAreRefused() throws Exception {
        SignedDelivery push = mns("MSG-1");
        SignedDelivery delivery = eventBridge("EB-1");
        clock.advance(Duration.ofMinutes(16));
        assertRefused(push, CallbackRejectedException.Reason.STALE_DELIVERY);
        assertRefused(delivery, CallbackRejectedException.Reason.STALE_DELIVERY);
    }

    @Test
    void certificateUrlOutsideThePolicyIsRefused() throws Exception {
        SignedDelivery push = MnsPusher.create(CERT, certs.url("/elsewhere/cert.pem"), clock)
                .push(MnsPusher.Format.XML, "/events/mns", "MSG-1", MESSAGE);
        assertRefused(push, CallbackRejectedException.Reason.UNTRUSTED_KEY_URL);
        SignedDelivery delivery = EventBridgeDeliverer.create(CERT, certs.url("/elsewhere/cert.pem"), clock)
                .deliver("http://127.0.0.1:" + port + "/events/eb", "{\"id\":\"EB-1\"}");
        assertRefused(delivery, CallbackRejectedException.Reason.UNTRUSTED_KEY_URL);
    }

    @Test
    void oversizedDeliveryIsRefused() throws Exception {
        assertRefused(pusher.push(MnsPusher.Format.SIMPLIFIED, "/events/mns", "MSG-1", "x".repeat(9000)),
                CallbackRejectedException.Reason.BODY_TOO_LARGE);
    }

    @Test
    void requestThatIsNoDeliveryIsRefused() throws Exception {
        assertRefused(mns("MSG-1").withoutHeader("x-mns-signing-cert-url"),
                CallbackRejectedException.Reason.MISSING_HEADER);
    }

    @Test
    void mnsDeliveryByAnotherMethodIsRefusedNamingTheAllowedOne() throws Exception {
        SignedDelivery put = mns("MSG-1").withMethod("PUT");
        StringBuilder head = new StringBuilder("PUT ").append(put.target()).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        put.headers().forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(put.body().length).append("\r\nConnection: close\r\n\r\n");
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(put.body());
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 405", answer.substring(0, 12), answer);
            assertEquals(true, answer.toLowerCase(java.util.Locale.ROOT).contains("\r\nallow: post\r\n"), answer);
            assertEquals(true, answer.endsWith("{\"status\":\"REJECTED\",\"reason\":\"method_not_allowed\"}"), answer);
        }
        assertEquals(List.of(), seen);
    }

    @Test
    void redeliveryIsAnsweredTwoHundredWithoutTheApplication() throws Exception {
        SignedDelivery push = mns("MSG-1");
        SignedDelivery delivery = eventBridge("EB-1");
        assertEquals(204, send(push).status());
        assertEquals(204, send(delivery).status());
        for (SignedDelivery again : List.of(push, delivery)) {
            RawHttp.Response response = send(again);
            assertEquals(200, response.status());
            assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", response.body());
            assertEquals(String.valueOf(response.body().length()), response.header("Content-Length"));
        }
        assertEquals(2, seen.size());
    }

    @Test
    void retryAfterTheApplicationFailedReachesItAgain() throws Exception {
        SignedDelivery push = mns("MSG-1");
        failuresToAnswer.set(1);
        assertEquals(503, send(push).status());
        assertEquals(204, send(push).status());
        assertEquals(200, send(push).status());
        assertEquals(2, seen.size());
    }
}
