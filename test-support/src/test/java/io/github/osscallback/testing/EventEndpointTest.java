package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.spi.EventEndpoint;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The adapter authors' seam for events: a container's request in, a delivery or a refusal and its reply out. */
class EventEndpointTest {

    private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");
    private static final SigningCertificate CERT = SigningCertificate.generate();
    private static final String MESSAGE = MnsPusher.ossEventMessage("ObjectCreated:PutObject", "cn-hangzhou",
            "photos", "a.jpg", 12, "ETAG", "REQ", NOW);

    private final ManualClock clock = new ManualClock(NOW);
    private LoopbackKeyServer certs;
    private EventVerifier verifier;
    private EventEndpoint endpoint;
    private MnsPusher pusher;
    private EventBridgeDeliverer deliverer;

    @BeforeEach
    void start() throws Exception {
        certs = LoopbackKeyServer.start();
        certs.serve("/events/cert.pem", CERT.pem());
        KeyUrlPolicy policy = KeyUrlPolicy.builder().allowPrefix(certs.baseUrl() + "/events/").build();
        verifier = EventVerifier.builder().acceptMns(policy).acceptEventBridge(policy).maxBodyBytes(4096)
                .clock(clock).build();
        endpoint = EventEndpoint.of("EventEndpointTest", verifier, System.getLogger(EventEndpointTest.class.getName()));
        pusher = MnsPusher.create(CERT, certs.url("/events/cert.pem"), clock);
        deliverer = EventBridgeDeliverer.create(CERT, certs.url("/events/cert.pem"), clock);
    }

    @AfterEach
    void stop() {
        verifier.close();
        certs.close();
    }

    /** The delivery as a container would present it: headers as sent, the URL as the container sees it. */
    private static EventEndpoint.Incoming incoming(SignedDelivery d, String origin) {
        return new EventEndpoint.Incoming() {
            @Override
            public String method() {
                return d.method();
            }

            @Override
            public String rawPath() {
                int q = d.target().indexOf('?');
                return q < 0 ? d.target() : d.target().substring(0, q);
            }

            @Override
            public String rawQuery() {
                int q = d.target().indexOf('?');
                return q < 0 ? null : d.target().substring(q + 1);
            }

            @Override
            public List<String> headers(String name) {
                String value = d.header(name);
                return value == null ? List.of() : List.of(value);
            }

            @Override
            public Iterable<String> headerNames() {
                return new ArrayList<>(d.headers().keySet());
            }

            @Override
            public InputStream body() {
                return new ByteArrayInputStream(d.body());
            }

            @Override
            public long declaredLength() {
                return d.body().length;
            }

            @Override
            public String url() {
                return origin == null ? null : origin + d.target();
            }
        };
    }

    @Test
    void genuineMnsDeliveryVerifiesFromTheContainersView() throws Exception {
        EventDelivery delivery = endpoint.verify(incoming(pusher.push(MnsPusher.Format.XML, "/events/mns?x=1",
                "M-1", MESSAGE), "http://ignored"));
        assertEquals("photos", delivery.ossEvents().get(0).bucket().orElseThrow());
    }

    @Test
    void eventBridgeUrlComesFromTheRequestOrTheConfiguredBase() throws Exception {
        SignedDelivery d = deliverer.deliver("https://events.example.com/eb?k=v",
                EventBridgeDeliverer.ossCloudEvent("E-1", "ObjectCreated:PutObject", "cn-hangzhou", "photos", "a",
                        1, "ETAG", "REQ", NOW));
        assertEquals("E-1", endpoint.verify(incoming(d, "https://events.example.com")).messageId().orElseThrow());
        SignedDelivery again = deliverer.deliver("https://events.example.com/eb?k=v",
                EventBridgeDeliverer.ossCloudEvent("E-2", "ObjectCreated:PutObject", "cn-hangzhou", "photos", "a",
                        1, "ETAG", "REQ", NOW));
        // Behind a TLS-terminating proxy the container sees http and another host: the base URL restores it.
        assertEquals(CallbackRejectedException.Reason.SIGNATURE_MISMATCH, assertThrows(CallbackRejectedException.class,
                () -> endpoint.verify(incoming(again, "http://127.0.0.1:8080"))).reason());
        EventDelivery behindProxy = endpoint.withBaseUrl("https://events.example.com")
                .verify(incoming(again.withHeader("x-unsigned", "1"), "http://127.0.0.1:8080"));
        assertEquals("E-2", behindProxy.messageId().orElseThrow());
    }

    @Test
    void aRequestTheEndpointCannotRebuildIsRefusedNotThrown() {
        SignedDelivery d = deliverer.deliver("https://events.example.com/eb", "{\"id\":\"E\"}");
        assertEquals(CallbackRejectedException.Reason.MISSING_HEADER, assertThrows(CallbackRejectedException.class,
                () -> endpoint.verify(incoming(d, null))).reason());
        SignedDelivery asterisk = d.withTarget("*", "*");
        assertEquals(CallbackRejectedException.Reason.MALFORMED_PATH, assertThrows(CallbackRejectedException.class,
                () -> endpoint.verify(incoming(asterisk, "http://h"))).reason());
        CompletionException async = assertThrows(CompletionException.class, () -> endpoint.verifyAsync(
                incoming(d, null), publisher(d.body())).toCompletableFuture().join());
        assertEquals(CallbackRejectedException.Reason.MISSING_HEADER,
                assertInstanceOf(CallbackRejectedException.class, async.getCause()).reason());
    }

    @Test
    void redeliveryIsAnsweredTwoHundredAsADuplicateNotAsAnError() throws Exception {
        SignedDelivery push = pusher.push(MnsPusher.Format.JSON, "/events/mns", "M-1", MESSAGE);
        endpoint.verify(incoming(push, "http://h"));
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                () -> endpoint.verify(incoming(push, "http://h")));
        EventEndpoint.Reply reply = EventEndpoint.replyTo(e);
        assertEquals(200, reply.status());
        assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}",
                new String(reply.body(), StandardCharsets.UTF_8));
        assertEquals(reply.body().length, reply.contentLength());
    }

    @Test
    void applicationFailureLetsTheRetryInAsAFirstDelivery() throws Exception {
        SignedDelivery push = pusher.push(MnsPusher.Format.JSON, "/events/mns", "M-1", MESSAGE);
        EventDelivery first = endpoint.verify(incoming(push, "http://h"));
        endpoint.finished(first, 503);
        EventDelivery retry = endpoint.verify(incoming(push, "http://h"));
        endpoint.finished(retry, 204);
        assertEquals(CallbackRejectedException.Reason.DUPLICATE_DELIVERY, assertThrows(CallbackRejectedException.class,
                () -> endpoint.verify(incoming(push, "http://h"))).reason());
    }

    @Test
    void refusalReplyCarriesTheReasonAndItsStatus() {
        SignedDelivery push = pusher.push(MnsPusher.Format.XML, "/events/mns", "M-1", MESSAGE);
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                () -> endpoint.verify(incoming(push.withBody("tampered".getBytes(StandardCharsets.UTF_8)), "http://h")));
        EventEndpoint.Reply reply = EventEndpoint.replyTo(e);
        assertEquals(400, reply.status());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"content_md5_mismatch\"}",
                new String(reply.body(), StandardCharsets.UTF_8));
    }

    @Test
    void asyncVerificationReadsThePublishedBodyAndRefusesTheSame() throws Exception {
        SignedDelivery push = pusher.push(MnsPusher.Format.XML, "/events/mns", "M-9", MESSAGE);
        EventDelivery delivery = endpoint.verifyAsync(incoming(push, "http://h"), publisher(push.body()))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("M-9", delivery.messageId().orElseThrow());
        ExecutionException failed = assertThrows(ExecutionException.class, () -> endpoint.verifyAsync(
                incoming(push, "http://h"), publisher(push.body())).toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(CallbackRejectedException.Reason.DUPLICATE_DELIVERY,
                assertInstanceOf(CallbackRejectedException.class, failed.getCause()).reason());
        endpoint.finishedAsync(delivery, 500).toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertEquals("M-9", endpoint.verifyAsync(incoming(push, "http://h"), publisher(push.body()))
                .toCompletableFuture().get(10, TimeUnit.SECONDS).messageId().orElseThrow());
    }

    @Test
    void oversizedBodyIsRefusedBeforeItIsRead() {
        SignedDelivery push = pusher.push(MnsPusher.Format.SIMPLIFIED, "/events/mns", "M-1", "x".repeat(5000));
        CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                () -> endpoint.verify(incoming(push, "http://h")));
        assertEquals(413, EventEndpoint.replyTo(e).status());
        CompletionException async = assertThrows(CompletionException.class, () -> endpoint.verifyAsync(
                incoming(push, "http://h"), publisher(push.body())).toCompletableFuture().join());
        assertEquals(CallbackRejectedException.Reason.BODY_TOO_LARGE,
                assertInstanceOf(CallbackRejectedException.class, async.getCause()).reason());
    }

    private static SubmissionPublisher<ByteBuffer> publisher(byte[] body) {
        SubmissionPublisher<ByteBuffer> publisher = new SubmissionPublisher<>(Runnable::run, 16) {
            @Override
            public void subscribe(java.util.concurrent.Flow.Subscriber<? super ByteBuffer> subscriber) {
                super.subscribe(subscriber);
                submit(ByteBuffer.wrap(body));
                close();
            }
        };
        return publisher;
    }
}
