package io.github.osscallback.webflux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.HangingKeyHost;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.EventBridgeDeliverer;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * {@link OssEventWebFilter} on Reactor Netty, with deliveries signed by the test artifact's MNS
 * pusher and EventBridge deliverer: genuine ones reach the handler with their event and raw
 * payload, every refused one is answered with its reason and never reaches it, and a delivery
 * waiting for a certificate host holds no event-loop thread.
 */
class EventWebFilterTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final SigningCertificate CERT = SigningCertificate.generate();
    private static final String MESSAGE = MnsPusher.ossEventMessage("ObjectCreated:PutObject", "cn-hangzhou",
            "photos", "a.jpg", 12, "ETAG", "REQ", NOW);
    private static final String LOOP = "event-loop";

    private final ManualClock clock = new ManualClock(NOW);
    private final List<String> reached = new CopyOnWriteArrayList<>();
    private final List<byte[]> payloads = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresToAnswer = new AtomicInteger();
    private LoopbackKeyServer certs;
    private LoopResources loops;
    private DisposableServer server;
    private MnsPusher pusher;

    @BeforeEach
    void startCertificates() throws Exception {
        certs = LoopbackKeyServer.start();
        certs.serve("/events/cert.pem", CERT.pem());
        certs.serve("/elsewhere/cert.pem", CERT.pem());
        pusher = MnsPusher.create(CERT, certs.url("/events/cert.pem"), clock);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
            loops.disposeLater().block(Duration.ofSeconds(5));
        }
        certs.close();
    }

    /** Reactor Netty on one event loop, the filter on /events/*, a handler that records what reached it. */
    private void serve(EventVerifier verifier) {
        HttpHandler handler = WebHttpHandlerBuilder.webHandler(exchange -> {
            EventDelivery delivery = OssEventWebFilter.delivery(exchange).orElseThrow();
            return DataBufferUtils.join(exchange.getRequest().getBody()).flatMap(buffer -> {
                byte[] bytes = new byte[buffer.readableByteCount()];
                buffer.read(bytes);
                payloads.add(bytes);
                reached.add(delivery.messageId().orElseThrow() + "@" + Thread.currentThread().getName());
                boolean fail = failuresToAnswer.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
                exchange.getResponse().setStatusCode(fail ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.NO_CONTENT);
                return exchange.getResponse().setComplete();
            });
        }).filter(new OssEventWebFilter(verifier, List.of("/events/*"))).build();
        loops = LoopResources.create(LOOP, 1, 1, true);
        server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                .handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
    }

    private EventVerifier verifier() {
        KeyUrlPolicy policy = KeyUrlPolicy.builder().allowPrefix(certs.baseUrl() + "/events/").build();
        return EventVerifier.builder().acceptMns(policy).acceptEventBridge(policy).maxBodyBytes(8192)
                .clock(clock).build();
    }

    private RawHttp.Response send(SignedDelivery delivery) throws IOException {
        return RawHttp.post(server.port(), delivery.target(), delivery.headers(), delivery.body());
    }

    private void assertRefused(SignedDelivery delivery, CallbackRejectedException.Reason reason) throws IOException {
        RawHttp.Response response = send(delivery);
        assertEquals(reason.httpStatus(), response.status(), response.body());
        String body = "{\"status\":\"REJECTED\",\"reason\":\"" + reason.code() + "\"}";
        assertEquals(body, response.body());
        assertEquals(String.valueOf(body.length()), response.header("Content-Length"));
        assertEquals(List.of(), reached);
    }

    @Test
    void genuineDeliveriesReachTheHandlerWithTheirRawPayload() throws Exception {
        try (EventVerifier verifier = verifier()) {
            serve(verifier);
            SignedDelivery push = pusher.push(MnsPusher.Format.JSON, "/events/mns", "MSG-1", MESSAGE);
            assertEquals(204, send(push).status());
            assertArrayEquals(push.body(), payloads.get(0));
            SignedDelivery delivery = EventBridgeDeliverer.create(CERT, certs.url("/events/cert.pem"), clock)
                    .deliver("http://127.0.0.1:" + server.port() + "/events/eb?x=1", EventBridgeDeliverer
                            .ossCloudEvent("EB-1", "ObjectCreated:PutObject", "cn-hangzhou", "photos", "a.jpg", 12,
                                    "ETAG", "REQ", NOW));
            assertEquals(204, send(delivery).status());
            assertEquals(2, reached.size());
            assertTrue(reached.get(1).startsWith("EB-1@"), reached.toString());
        }
    }

    @Test
    void tamperedStaleUntrustedAndOversizedDeliveriesAreRefused() throws Exception {
        try (EventVerifier verifier = verifier()) {
            serve(verifier);
            SignedDelivery push = pusher.push(MnsPusher.Format.XML, "/events/mns", "MSG-1", MESSAGE);
            assertRefused(push.withBody("<x/>".getBytes(StandardCharsets.UTF_8)),
                    CallbackRejectedException.Reason.CONTENT_MD5_MISMATCH);
            assertRefused(push.withHeader("x-mns-request-id", "OTHER"), CallbackRejectedException.Reason.SIGNATURE_MISMATCH);
            assertRefused(MnsPusher.create(CERT, certs.url("/elsewhere/cert.pem"), clock)
                    .push(MnsPusher.Format.XML, "/events/mns", "MSG-1", MESSAGE),
                    CallbackRejectedException.Reason.UNTRUSTED_KEY_URL);
            assertRefused(pusher.push(MnsPusher.Format.SIMPLIFIED, "/events/mns", "MSG-2", "x".repeat(9000)),
                    CallbackRejectedException.Reason.BODY_TOO_LARGE);
            clock.advance(Duration.ofMinutes(16));
            assertRefused(push, CallbackRejectedException.Reason.STALE_DELIVERY);
        }
    }

    @Test
    void redeliveryIsAnsweredDuplicateAndAFailedHandlingLetsTheRetryIn() throws Exception {
        try (EventVerifier verifier = verifier()) {
            serve(verifier);
            SignedDelivery push = pusher.push(MnsPusher.Format.XML, "/events/mns", "MSG-1", MESSAGE);
            failuresToAnswer.set(1);
            assertEquals(503, send(push).status());
            assertEquals(204, send(push).status());
            RawHttp.Response again = send(push);
            assertEquals(200, again.status());
            assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", again.body());
            assertEquals(String.valueOf(again.body().length()), again.header("Content-Length"));
            assertEquals(2, reached.size());
        }
    }

    @Test
    void aHangingCertificateHostHoldsNoEventLoopThread() throws Exception {
        try (HangingKeyHost host = new HangingKeyHost(1)) {
            String pinned = "https://certs.test/events/cert.pem";
            KeyUrlPolicy policy = KeyUrlPolicy.builder().allowPrefix("https://certs.test/events/")
                    .allowPrefix(host.baseUrl() + "/events/").build();
            EventVerifier verifier = EventVerifier.builder().acceptMns(policy).pinCertificate(pinned, CERT.pem())
                    .certificateFetchTimeout(Duration.ofSeconds(20)).clock(clock).build();
            serve(verifier);
            List<CompletableFuture<RawHttp.Response>> waiting = new ArrayList<>();
            MnsPusher hanging = MnsPusher.create(CERT, host.baseUrl() + "/events/cert.pem", clock);
            for (int i = 0; i < 3; i++) {
                SignedDelivery push = hanging.push(MnsPusher.Format.XML, "/events/mns", "WAIT-" + i, MESSAGE);
                waiting.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return send(push);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
            }
            assertTrue(host.awaitConnections(30), "the certificate fetch reached the hanging host");
            RawHttp.Response answered = send(MnsPusher.create(CERT, pinned, clock)
                    .push(MnsPusher.Format.XML, "/events/mns", "PINNED", MESSAGE));
            assertEquals(204, answered.status(), answered.body());
            assertEquals(1, reached.size(), reached.toString());
            assertTrue(reached.get(0).startsWith("PINNED@" + LOOP), reached.get(0));
            for (CompletableFuture<RawHttp.Response> w : waiting) {
                assertFalse(w.isDone(), "still waiting for the certificate host");
            }
            verifier.close(); // ends the fetch: the waiting deliveries are refused, never handed over late
            for (CompletableFuture<RawHttp.Response> w : waiting) {
                RawHttp.Response refused = w.get(30, TimeUnit.SECONDS);
                assertEquals(503, refused.status(), refused.body());
                assertTrue(refused.body().contains("\"key_unavailable\""), refused.body());
            }
            assertEquals(1, reached.size());
        }
    }

    @Test
    void pathsOutsideTheEventPathsPassUntouched() throws Exception {
        try (EventVerifier verifier = verifier()) {
            HttpHandler handler = WebHttpHandlerBuilder.webHandler(exchange -> {
                exchange.getResponse().setStatusCode(HttpStatus.ACCEPTED);
                return exchange.getResponse().setComplete();
            }).filter(new OssEventWebFilter(verifier, List.of("/events/*"))).build();
            loops = LoopResources.create(LOOP, 1, 1, true);
            server = HttpServer.create().host("127.0.0.1").port(0).runOn(loops)
                    .handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
            assertEquals(202, RawHttp.post(server.port(), "/other", java.util.Map.of(), new byte[0]).status());
            assertEquals(400, RawHttp.post(server.port(), "/events/x", java.util.Map.of(), new byte[0]).status());
        }
    }
}
