package io.github.osscallback.jaxrs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssEvent;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.EventBridgeDeliverer;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import jakarta.annotation.Priority;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link OssEventFeature} must do on any JAX-RS runtime, with deliveries signed by the test
 * artifact's MNS pusher and EventBridge deliverer and sent over real HTTP; run on Jersey and on
 * RESTEasy (both on embedded Jetty under a context and servlet path) by the subclasses.
 */
abstract class EventFeatureContract {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    static final SigningCertificate CERT = SigningCertificate.generate();
    private static final String ETAG = "5B3C1A2E053D763E1B002CC607C5A0FE";
    static final String MESSAGE = MnsPusher.ossEventMessage("ObjectCreated:PutObject", "cn-hangzhou",
            "photos", "2026/a b.jpg", 1234, ETAG, "REQ-1", NOW);
    static final List<EventDelivery> DELIVERIES = new CopyOnWriteArrayList<>();
    static final List<byte[]> PAYLOADS = new CopyOnWriteArrayList<>();
    static final AtomicInteger CALLS = new AtomicInteger();
    static final AtomicInteger FAILURES = new AtomicInteger();

    /** Thrown by a resource and mapped by the application's own mapper. */
    static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    public static final class BusyMapper implements ExceptionMapper<Busy> {
        @Override
        public Response toResponse(Busy exception) {
            return Response.status(503).build();
        }
    }

    static final List<RawTarget> RAW_TARGETS = new CopyOnWriteArrayList<>();

    /** Runs after the verifying filter: the raw target the event source found under the servlet container. */
    @OssEventVerified
    @Priority(Priorities.AUTHENTICATION + 1)
    public static final class RawTargetProbe implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext context) {
            Object target = context.getProperty(RawTarget.PROPERTY);
            if (target instanceof RawTarget) {
                RAW_TARGETS.add((RawTarget) target);
            }
        }
    }

    @Path("/events")
    public static class EventResource {

        @POST
        @Path("typed")
        @OssEventVerified
        public Response typed(EventDelivery delivery) {
            CALLS.incrementAndGet();
            DELIVERIES.add(delivery);
            return Response.noContent().build();
        }

        /** Never runs: MNS pushes with POST, and the filter answers anything else 405. */
        @PUT
        @Path("typed")
        @OssEventVerified
        public Response put(EventDelivery delivery) {
            CALLS.incrementAndGet();
            return Response.noContent().build();
        }

        @POST
        @Path("raw")
        @OssEventVerified
        public Response raw(byte[] body) {
            CALLS.incrementAndGet();
            PAYLOADS.add(body);
            return Response.noContent().build();
        }

        @POST
        @Path("flaky")
        @OssEventVerified
        public Response flaky(EventDelivery delivery) {
            CALLS.incrementAndGet();
            if (FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return Response.status(503).build();
            }
            DELIVERIES.add(delivery);
            return Response.noContent().build();
        }

        /** Throws what no mapper maps, while FAILURES lasts: Jersey hands it to the servlet container. */
        @POST
        @Path("throws")
        @OssEventVerified
        public Response throwing(EventDelivery delivery) {
            CALLS.incrementAndGet();
            if (FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("the database is down");
            }
            DELIVERIES.add(delivery);
            return Response.noContent().build();
        }

        @POST
        @Path("mapped")
        @OssEventVerified
        public Response mapped(EventDelivery delivery) {
            CALLS.incrementAndGet();
            if (FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new Busy();
            }
            DELIVERIES.add(delivery);
            return Response.noContent().build();
        }

        /** Answers 200 with a streamed entity that fails after the response is committed, while FAILURES lasts. */
        @POST
        @Path("streams")
        @OssEventVerified
        @Produces(MediaType.TEXT_PLAIN)
        public Response streams(EventDelivery delivery) {
            CALLS.incrementAndGet();
            if (FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                StreamingOutput failing = out -> {
                    out.write(new byte[64 * 1024]);
                    out.flush();
                    throw new IOException("the disk is full");
                };
                return Response.ok(failing).build();
            }
            DELIVERIES.add(delivery);
            return Response.ok("stored").build();
        }

        /** Throws what no mapper maps, without being an event method: its handling must stay the runtime's. */
        @POST
        @Path("plain-throws")
        public String plainThrows(String body) {
            throw new IllegalStateException("not an event");
        }
    }

    final ManualClock clock = new ManualClock(NOW);
    LoopbackKeyServer certs;
    EventVerifier verifier;
    int port;
    MnsPusher pusher;
    EventBridgeDeliverer deliverer;

    @BeforeEach
    void start() throws Exception {
        DELIVERIES.clear();
        RAW_TARGETS.clear();
        PAYLOADS.clear();
        CALLS.set(0);
        FAILURES.set(0);
        certs = LoopbackKeyServer.start();
        certs.serve("/events/cert.pem", CERT.pem());
        certs.serve("/elsewhere/cert.pem", CERT.pem());
        KeyUrlPolicy policy = KeyUrlPolicy.builder().allowPrefix(certs.baseUrl() + "/events/").build();
        verifier = EventVerifier.builder().acceptMns(policy).acceptEventBridge(policy).maxBodyBytes(8192)
                .clock(clock).build();
        port = start(verifier);
        pusher = MnsPusher.create(CERT, certs.url("/events/cert.pem"), clock);
        deliverer = EventBridgeDeliverer.create(CERT, certs.url("/events/cert.pem"), clock);
    }

    /** Bound as a callback on its class and as an event on its method: no deployment may take it. */
    @Path("/both")
    @OssCallbackVerified
    public static class BothBindings {
        @POST
        @OssEventVerified
        public Response both(byte[] body) {
            CALLS.incrementAndGet();
            return Response.noContent().build();
        }
    }

    static final String BOTH_BINDINGS = "resource method " + BothBindings.class.getName()
            + ".both is both @OssCallbackVerified and @OssEventVerified";

    /** The innermost IllegalStateException of a failed deployment, which says why. */
    static IllegalStateException why(Throwable deployment) {
        Throwable cause = deployment;
        while (!(cause instanceof IllegalStateException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return assertInstanceOf(IllegalStateException.class, cause, () -> String.valueOf(deployment));
    }

    /** Serves EventResource, BusyMapper and RawTargetProbe with {@code new OssEventFeature(verifier)} at {@code /app/api/*}. */
    abstract int start(EventVerifier verifier) throws Exception;

    abstract void stopServer() throws Exception;

    @AfterEach
    void stop() throws Exception {
        stopServer();
        verifier.close();
        certs.close();
    }

    RawHttp.Response send(SignedDelivery delivery) throws IOException {
        return RawHttp.post(port, delivery.target(), delivery.headers(), delivery.body());
    }

    SignedDelivery mns(MnsPusher.Format format, String path, String messageId) {
        return pusher.push(format, "/app/api/events/" + path + "?topic=uploads", messageId, MESSAGE);
    }

    private SignedDelivery eventBridge(EventBridgeDeliverer by, String path, String id) {
        return by.deliver("http://127.0.0.1:" + port + "/app/api/events/" + path + "?src=eb",
                EventBridgeDeliverer.ossCloudEvent(id, "ObjectCreated:PutObject", "cn-hangzhou", "photos",
                        "2026/a b.jpg", 1234, ETAG, "REQ-1", NOW));
    }

    /** A refusal: its status, the reason in a JSON body of exactly its Content-Length, and no call into the method. */
    private void assertRefused(SignedDelivery delivery, CallbackRejectedException.Reason reason) throws IOException {
        RawHttp.Response response = send(delivery);
        assertEquals(reason.httpStatus(), response.status(), response.body());
        String body = "{\"status\":\"REJECTED\",\"reason\":\"" + reason.code() + "\"}";
        assertEquals(body, response.body());
        assertEquals(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length), response.header("Content-Length"));
        assertTrue(response.header("Content-Type").startsWith("application/json"), response.header("Content-Type"));
        assertEquals(0, CALLS.get(), "a refused delivery must not reach the method");
    }

    @Test
    void genuineMnsDeliveriesInEveryFormatReachTheMethodWithTheirEventAndExactBody() throws Exception {
        int n = 0;
        for (MnsPusher.Format format : MnsPusher.Format.values()) {
            SignedDelivery push = mns(format, "typed", "MSG-" + format);
            assertEquals(204, send(push).status(), format.toString());
            EventDelivery delivery = DELIVERIES.get(n++);
            assertEquals(EventDelivery.Service.MNS, delivery.service());
            assertEquals("MSG-" + format, delivery.messageId().orElseThrow());
            assertArrayEquals(push.body(), delivery.body(), format.toString());
            OssEvent event = delivery.ossEvents().get(0);
            assertEquals("photos", event.bucket().orElseThrow());
            assertEquals("2026/a b.jpg", event.objectKey().orElseThrow());
            assertEquals(OssEvent.uploadKey("photos", "2026/a b.jpg", ETAG), event.uploadKey().orElseThrow());

            SignedDelivery raw = mns(format, "raw", "RAW-" + format);
            assertEquals(204, send(raw).status(), format.toString());
            assertArrayEquals(raw.body(), PAYLOADS.get(PAYLOADS.size() - 1), format.toString());
        }
        assertEquals(3, n);
    }

    /**
     * MNS signs the target as sent, EventBridge the URL; the feature reads them from the servlet
     * request, not from the runtime's rebuilt URI (Jersey re-encodes these query characters).
     */
    @Test
    void theRawTargetComesFromTheContainerUnderneath() throws Exception {
        String query = "topic=a/b:c@d,e;f!g$h'i(j)*k%E4%B8%AD&k=%7e";
        SignedDelivery push = pusher.push(MnsPusher.Format.XML, "/app/api/events/typed?" + query, "MSG-1", MESSAGE);
        assertEquals(204, send(push).status());
        RawTarget seen = RAW_TARGETS.get(0);
        assertEquals("/app/api/events/typed", seen.path);
        assertEquals(query, seen.query);
        SignedDelivery delivery = deliverer.signingV2().deliver("http://127.0.0.1:" + port
                + "/app/api/events/typed?" + query, "{\"id\":\"EB-1\"}");
        assertEquals(204, send(delivery).status());
        assertEquals(2, CALLS.get());
    }

    @Test
    void genuineEventBridgeDeliveriesV1AndV2ReachTheMethod() throws Exception {
        for (EventBridgeDeliverer by : List.of(deliverer, deliverer.signingV2())) {
            String id = "EB-" + DELIVERIES.size();
            SignedDelivery delivery = eventBridge(by, "typed", id);
            assertEquals(204, send(delivery).status(), delivery.toString());
            EventDelivery got = DELIVERIES.get(DELIVERIES.size() - 1);
            assertEquals(EventDelivery.Service.EVENTBRIDGE, got.service());
            assertEquals("photos", got.ossEvents().get(0).bucket().orElseThrow());
            assertArrayEquals(delivery.body(), got.body());
            SignedDelivery raw = eventBridge(by, "raw", id + "-raw");
            assertEquals(204, send(raw).status());
            assertArrayEquals(raw.body(), PAYLOADS.get(PAYLOADS.size() - 1));
        }
        assertEquals(2, DELIVERIES.size());
    }

    @Test
    void tamperedDeliveriesAreRefusedBeforeTheMethod() throws Exception {
        assertRefused(mns(MnsPusher.Format.XML, "typed", "MSG-1").withBody("{\"events\":[]}".getBytes(StandardCharsets.UTF_8)),
                CallbackRejectedException.Reason.CONTENT_MD5_MISMATCH);
        SignedDelivery genuine = eventBridge(deliverer.signingV2(), "typed", "EB-1");
        byte[] body = new String(genuine.body(), StandardCharsets.UTF_8).replace("photos", "photoz")
                .getBytes(StandardCharsets.UTF_8);
        assertRefused(genuine.withBody(body), CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
        SignedDelivery push = mns(MnsPusher.Format.JSON, "typed", "MSG-2");
        assertRefused(push.withTarget("/app/api/events/typed?topic=other", push.url()),
                CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void forgedDeliveriesAreRefused() throws Exception {
        // Signed by another key, naming the genuine certificate.
        SigningCertificate forger = SigningCertificate.generate();
        assertRefused(MnsPusher.create(forger, certs.url("/events/cert.pem"), clock)
                .push(MnsPusher.Format.XML, "/app/api/events/typed", "MSG-1", MESSAGE),
                CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
        assertRefused(eventBridge(EventBridgeDeliverer.create(forger, certs.url("/events/cert.pem"), clock),
                "typed", "EB-1"), CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void staleDeliveriesAreRefused() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.XML, "typed", "MSG-1");
        SignedDelivery delivery = eventBridge(deliverer, "typed", "EB-1");
        clock.advance(Duration.ofMinutes(16));
        assertRefused(push, CallbackRejectedException.Reason.STALE_DELIVERY);
        assertRefused(delivery, CallbackRejectedException.Reason.STALE_DELIVERY);
    }

    @Test
    void certificateUrlOutsideThePolicyIsRefused() throws Exception {
        assertRefused(MnsPusher.create(CERT, certs.url("/elsewhere/cert.pem"), clock)
                .push(MnsPusher.Format.XML, "/app/api/events/typed", "MSG-1", MESSAGE),
                CallbackRejectedException.Reason.UNTRUSTED_KEY_URL);
        assertRefused(eventBridge(EventBridgeDeliverer.create(CERT, certs.url("/elsewhere/cert.pem"), clock),
                "typed", "EB-1"), CallbackRejectedException.Reason.UNTRUSTED_KEY_URL);
    }

    @Test
    void oversizedDeliveryIsRefused() throws Exception {
        assertRefused(pusher.push(MnsPusher.Format.SIMPLIFIED, "/app/api/events/typed", "MSG-1", "x".repeat(9000)),
                CallbackRejectedException.Reason.BODY_TOO_LARGE);
    }

    @Test
    void requestMissingASignedHeaderIsRefused() throws Exception {
        assertRefused(mns(MnsPusher.Format.XML, "typed", "MSG-1").withoutHeader("x-mns-signing-cert-url"),
                CallbackRejectedException.Reason.MISSING_HEADER);
        assertRefused(mns(MnsPusher.Format.XML, "typed", "MSG-2").withoutHeader("Date"),
                CallbackRejectedException.Reason.MISSING_HEADER);
    }

    @Test
    void mnsDeliveryByAnotherMethodIsRefusedNamingTheAllowedOne() throws Exception {
        SignedDelivery put = mns(MnsPusher.Format.XML, "typed", "MSG-1").withMethod("PUT");
        StringBuilder head = new StringBuilder("PUT ").append(put.target()).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        put.headers().forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(put.body().length).append("\r\nConnection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(put.body());
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            String body = "{\"status\":\"REJECTED\",\"reason\":\"method_not_allowed\"}";
            String lower = answer.toLowerCase(Locale.ROOT);
            assertEquals("HTTP/1.1 405", answer.substring(0, 12), answer);
            assertTrue(lower.contains("\r\nallow: post\r\n"), answer);
            assertTrue(lower.contains("\r\ncontent-length: " + body.length() + "\r\n"), answer);
            assertTrue(answer.endsWith("\r\n\r\n" + body), answer);
        }
        assertEquals(0, CALLS.get());
    }

    @Test
    void redeliveryIsAnsweredTwoHundredWithoutTheMethod() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.XML, "typed", "MSG-1");
        SignedDelivery delivery = eventBridge(deliverer.signingV2(), "typed", "EB-1");
        assertEquals(204, send(push).status());
        assertEquals(204, send(delivery).status());
        for (SignedDelivery again : List.of(push, delivery)) {
            RawHttp.Response response = send(again);
            assertEquals(200, response.status());
            String body = "{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}";
            assertEquals(body, response.body());
            assertEquals(String.valueOf(body.length()), response.header("Content-Length"));
        }
        assertEquals(2, CALLS.get());
    }

    @Test
    void aFailedAnswerReleasesTheDeliveryForTheSendersRetry() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.XML, "flaky", "MSG-1");
        FAILURES.set(1);
        assertEquals(503, send(push).status());
        assertEquals(204, send(push).status());
        assertEquals(200, send(push).status());
        assertEquals(2, CALLS.get());
        assertEquals(1, DELIVERIES.size());
    }

    @Test
    void anUnmappedExceptionReleasesTheDeliveryForTheSendersRetry() throws Exception {
        SignedDelivery delivery = eventBridge(deliverer, "throws", "EB-1");
        FAILURES.set(1);
        assertEquals(500, send(delivery).status());
        assertEquals(204, send(delivery).status());
        assertEquals(200, send(delivery).status());
        assertEquals(2, CALLS.get());
        assertEquals(1, DELIVERIES.size());
    }

    @Test
    void aMappedExceptionReleasesTheDeliveryForTheSendersRetry() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.SIMPLIFIED, "mapped", "MSG-1");
        FAILURES.set(1);
        assertEquals(503, send(push).status());
        assertEquals(204, send(push).status());
        assertEquals(200, send(push).status());
        assertEquals(2, CALLS.get());
    }

    @Test
    void otherMethodsKeepTheirOwnExceptionHandling() throws Exception {
        RawHttp.Response response = RawHttp.post(port, "/app/api/events/plain-throws", Map.of("Content-Type",
                "text/plain"), "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(500, response.status());
    }


}
