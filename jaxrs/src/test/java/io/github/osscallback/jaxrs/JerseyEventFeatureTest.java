package io.github.osscallback.jaxrs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.OssEvent;
import io.github.osscallback.fixtures.Jetty;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.EventBridgeDeliverer;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link OssEventFeature} on Jersey 3 served by embedded Jetty under a context and servlet path,
 * with deliveries signed by the test artifact's MNS pusher and EventBridge deliverer and sent over
 * real HTTP.
 */
class JerseyEventFeatureTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final SigningCertificate CERT = SigningCertificate.generate();
    private static final String ETAG = "5B3C1A2E053D763E1B002CC607C5A0FE";
    private static final String MESSAGE = MnsPusher.ossEventMessage("ObjectCreated:PutObject", "cn-hangzhou",
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

        /** Throws what no mapper maps, without being an event method: its handling must stay Jersey's. */
        @POST
        @Path("plain-throws")
        public String plainThrows(String body) {
            throw new IllegalStateException("not an event");
        }
    }

    @Path("/cb")
    public static class CallbackResource {
        @POST
        @OssCallbackVerified
        @Produces(MediaType.APPLICATION_JSON)
        public String callback(OssCallback callback) {
            return "{\"object\":\"" + callback.object().orElse("") + "\"}";
        }
    }

    private final ManualClock clock = new ManualClock(NOW);
    private LoopbackKeyServer certs;
    private EventVerifier verifier;
    private Server server;
    private int port;
    private MnsPusher pusher;
    private EventBridgeDeliverer deliverer;

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
        startJersey(new ResourceConfig(EventResource.class, BusyMapper.class)
                .register(RawTargetProbe.class, Priorities.AUTHENTICATION + 1)
                .register(new OssEventFeature(verifier)));
        pusher = MnsPusher.create(CERT, certs.url("/events/cert.pem"), clock);
        deliverer = EventBridgeDeliverer.create(CERT, certs.url("/events/cert.pem"), clock);
    }

    private void startJersey(ResourceConfig config) throws Exception {
        if (server != null) {
            server.stop();
        }
        server = new Server();
        ServerConnector connector = Jetty.addConnector(server, "127.0.0.1", 0, true);
        ServletContextHandler context = new ServletContextHandler("/app");
        context.addServlet(new ServletHolder(new ServletContainer(config)), "/api/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        verifier.close();
        certs.close();
    }

    private RawHttp.Response send(SignedDelivery delivery) throws IOException {
        return RawHttp.post(port, delivery.target(), delivery.headers(), delivery.body());
    }

    private SignedDelivery mns(MnsPusher.Format format, String path, String messageId) {
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

    /** MNS signs the target as sent; the feature reads it from the servlet request, not Jersey's rebuilt URI. */
    @Test
    void theRawTargetComesFromTheContainerUnderneath() throws Exception {
        String target = "/app/api/events/typed?topic=%E4%B8%ADa|b&k=%7e";
        SignedDelivery push = pusher.push(MnsPusher.Format.XML, target, "MSG-1", MESSAGE);
        assertEquals(204, send(push).status());
        RawTarget seen = RAW_TARGETS.get(0);
        assertEquals("/app/api/events/typed", seen.path);
        assertEquals("topic=%E4%B8%ADa|b&k=%7e", seen.query);
        // EventBridge's URL must parse as a URI: no raw '|'.
        SignedDelivery delivery = deliverer.signingV2().deliver("http://127.0.0.1:" + port
                + "/app/api/events/typed?topic=%E4%B8%ADa&k=%7e", "{\"id\":\"EB-1\"}");
        assertEquals(204, send(delivery).status());
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

    /** A failure after the response is committed reaches no response filter; Jersey's request events tell it. */
    @Test
    void anAnswerFailingWhileWrittenReleasesTheDeliveryForTheSendersRetry() throws Exception {
        SignedDelivery push = mns(MnsPusher.Format.XML, "streams", "MSG-1");
        FAILURES.set(1);
        String first = sendKeepingWhatArrives(push);
        assertTrue(first.startsWith("HTTP/1.1 200"), first.substring(0, Math.min(40, first.length())));
        assertTrue(!first.endsWith("\r\n0\r\n\r\n"), "the failed answer must not look complete to the sender");
        RawHttp.Response retry = send(push);
        assertEquals(200, retry.status());
        assertEquals("stored", retry.body());
        assertEquals(2, CALLS.get());
        assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", send(push).body());
    }

    /** What the server sent before it closed or reset the connection. */
    private String sendKeepingWhatArrives(SignedDelivery delivery) throws IOException {
        StringBuilder head = new StringBuilder("POST ").append(delivery.target()).append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port).append("\r\n");
        delivery.headers().forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(delivery.body().length).append("\r\nConnection: close\r\n\r\n");
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(delivery.body());
            byte[] chunk = new byte[8192];
            int n;
            while ((n = socket.getInputStream().read(chunk)) > 0) {
                received.write(chunk, 0, n);
            }
        } catch (java.net.SocketException reset) {
            // The server gave up on the connection: what arrived before is the answer.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void otherMethodsKeepTheirOwnExceptionHandling() throws Exception {
        RawHttp.Response response = RawHttp.post(port, "/app/api/events/plain-throws", Map.of("Content-Type",
                "text/plain"), "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(500, response.status());
    }

    @Test
    void bothFeaturesByClassConfigureFromTheirOwnProperties() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        certs.serve("/oss/key.pem", signer.publicKeyPem());
        startJersey(new ResourceConfig(EventResource.class, CallbackResource.class)
                .property("oss.callback.keyUrlPrefixes", certs.baseUrl() + "/oss/")
                .property("oss.callback.events.mnsCertificatePrefixes", certs.baseUrl() + "/events/")
                .property("oss.callback.events.eventBridgeCertificatePrefixes", certs.baseUrl() + "/events/")
                .register(OssCallbackFeature.class)
                .register(OssEventFeature.class));
        // The feature's own verifier reads the real clock: sign now.
        MnsPusher now = MnsPusher.create(CERT, certs.url("/events/cert.pem"), java.time.Clock.systemUTC());
        SignedDelivery push = now.push(MnsPusher.Format.JSON, "/app/api/events/typed", "MSG-1", MESSAGE);
        assertEquals(204, send(push).status());
        assertEquals(200, send(push).status());
        SignedDelivery delivery = EventBridgeDeliverer.create(CERT, certs.url("/events/cert.pem"),
                java.time.Clock.systemUTC()).signingV2().deliver("http://127.0.0.1:" + port + "/app/api/events/typed",
                "{\"id\":\"EB-9\",\"type\":\"oss:ObjectCreated:PutObject\"}");
        assertEquals(204, send(delivery).status());
        assertEquals(2, CALLS.get());

        byte[] body = "{\"bucket\":\"b\",\"object\":\"o.png\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>(signer.headers(certs.url("/oss/key.pem"), "/app/api/cb",
                null, "application/json", body));
        RawHttp.Response callback = RawHttp.post(port, "/app/api/cb", headers, body);
        assertEquals(200, callback.status(), callback.body());
        assertEquals("{\"object\":\"o.png\"}", callback.body());
        // An event delivery to the callback method is no callback.
        assertEquals(400, send(now.push(MnsPusher.Format.XML, "/app/api/cb", "MSG-2", MESSAGE)).status());
    }

    @Test
    void anUnknownEventPropertyFailsWithTheNearestSetting() {
        ResourceConfig config = new ResourceConfig(EventResource.class)
                .property("oss.callback.events.mnsRegions", "cn-hangzhou")
                .property("oss.callback.events.duplicateWindow", "600")
                .register(OssEventFeature.class);
        Throwable thrown = assertThrows(RuntimeException.class, () -> new ApplicationHandler(config));
        while (!(thrown instanceof IllegalStateException) && thrown.getCause() != null) {
            thrown = thrown.getCause();
        }
        String message = thrown.getMessage();
        assertTrue(message.startsWith("OssEventFeature (application properties) is misconfigured"), message);
        assertTrue(message.contains("'oss.callback.events.duplicateWindow' (did you mean"
                + " oss.callback.events.duplicateWindowSeconds?)"), message);
    }

    @Test
    void eventPropertiesBesideAVerifierPassedInFailInsteadOfBeingIgnored() {
        ResourceConfig config = new ResourceConfig(EventResource.class)
                .property("oss.callback.events.maxBodyBytes", "100")
                .register(new OssEventFeature(verifier));
        Throwable thrown = assertThrows(RuntimeException.class, () -> new ApplicationHandler(config));
        while (!(thrown instanceof IllegalStateException) && thrown.getCause() != null) {
            thrown = thrown.getCause();
        }
        assertTrue(thrown.getMessage().contains("OssEventFeature was given a verifier and application properties"
                + " [oss.callback.events.maxBodyBytes]"), thrown.getMessage());
    }
}
