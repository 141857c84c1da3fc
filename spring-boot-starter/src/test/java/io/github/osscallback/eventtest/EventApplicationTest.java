package io.github.osscallback.eventtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.micrometer.OssEventMetrics;
import io.github.osscallback.testing.EventBridgeDeliverer;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter's event side in a real servlet application (Tomcat or Jetty, Boot 4.0 or 3.5 by the
 * module that runs these sources), over real HTTP, with deliveries from the test artifact's MNS
 * pusher and EventBridge deliverer.
 */
@SpringBootTest(classes = EventTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EventApplicationTest {

    private static final SigningCertificate CERT = SigningCertificate.generate();
    private static final LoopbackKeyServer CERTS = certificates();
    // The verifier reads the system clock; signing by it too, with wide windows, leaves nothing to timing.
    private static final Clock CLOCK = Clock.systemUTC();

    private static LoopbackKeyServer certificates() {
        try {
            LoopbackKeyServer server = LoopbackKeyServer.start().serve("/events/cert.pem", CERT.pem());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "event-cert-server-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("oss.callback.events.mns-certificate-prefixes", () -> CERTS.baseUrl() + "/events/");
        registry.add("oss.callback.events.event-bridge-certificate-prefixes", () -> CERTS.baseUrl() + "/events/");
        registry.add("oss.callback.events.event-bridge-timestamp-window-seconds", () -> "3600");
        registry.add("oss.callback.events.mns-date-window-seconds", () -> "3600");
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;

    private final MnsPusher pusher = MnsPusher.create(CERT, CERTS.url("/events/cert.pem"), CLOCK);

    @BeforeEach
    void forget() {
        EventTestApplication.HANDLED.clear();
    }

    private String message(String key) {
        return MnsPusher.ossEventMessage("ObjectCreated:PutObject", "cn-hangzhou", "photos", key, 12, "ETAG", "REQ",
                Instant.parse("2026-12-07T12:00:00Z"));
    }

    private RawHttp.Response send(SignedDelivery delivery) throws IOException {
        return RawHttp.post(port, delivery.target(), delivery.headers(), delivery.body());
    }

    private double deliveries(String outcome, String reason, String service) {
        return meters.get(OssEventMetrics.DELIVERIES).tags("outcome", outcome, "reason", reason, "service", service)
                .counter().count();
    }

    @Test
    void genuineMnsPushReachesAnOssEventHandlerAndIsCounted() throws Exception {
        double before = deliveries("accepted", "none", "mns");
        assertEquals(204, send(pusher.push(MnsPusher.Format.XML, "/oss/events/one", "M-one", message("a.jpg")))
                .status());
        assertEquals(List.of("one photos/a.jpg"), EventTestApplication.HANDLED);
        assertEquals(before + 1, deliveries("accepted", "none", "mns"));
    }

    @Test
    void eventBridgeDeliveryReachesADeliveryHandlerWithItsRawBody() throws Exception {
        SignedDelivery delivery = EventBridgeDeliverer.create(CERT, CERTS.url("/events/cert.pem"), CLOCK)
                .deliver("http://127.0.0.1:" + port + "/oss/events/raw", EventBridgeDeliverer.ossCloudEvent("EB-raw",
                        "ObjectCreated:PutObject", "cn-hangzhou", "photos", "b.jpg", 12, "ETAG", "REQ",
                        Instant.parse("2026-12-07T12:00:00Z")));
        assertEquals(204, send(delivery).status());
        assertEquals(List.of("raw EVENTBRIDGE true"), EventTestApplication.HANDLED);
    }

    @Test
    void forgedAndStaleDeliveriesNeverReachTheApplication() throws Exception {
        SignedDelivery genuine = pusher.push(MnsPusher.Format.JSON, "/oss/events/one", "M-forged", message("c.jpg"));
        RawHttp.Response forged = send(genuine.withBody("{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, forged.status());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"content_md5_mismatch\"}", forged.body());
        SignedDelivery stale = MnsPusher.create(CERT, CERTS.url("/events/cert.pem"),
                Clock.offset(CLOCK, Duration.ofHours(-2))).push(MnsPusher.Format.XML, "/oss/events/one", "M-stale",
                message("d.jpg"));
        assertEquals(403, send(stale).status());
        assertEquals(List.of(), EventTestApplication.HANDLED);
    }

    @Test
    void redeliveryIsAnsweredDuplicateWithoutTheHandler() throws Exception {
        double before = deliveries("rejected", "duplicate_delivery", "none");
        SignedDelivery push = pusher.push(MnsPusher.Format.XML, "/oss/events/one", "M-dup", message("e.jpg"));
        assertEquals(204, send(push).status());
        RawHttp.Response again = send(push);
        assertEquals(200, again.status());
        assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", again.body());
        assertEquals(1, EventTestApplication.HANDLED.size());
        assertEquals(before + 1, deliveries("rejected", "duplicate_delivery", "none"));
    }

    @Test
    void aHandlerThatFailsGetsTheRetry() throws Exception {
        EventTestApplication.FAILURES.set(1);
        SignedDelivery push = pusher.push(MnsPusher.Format.XML, "/oss/events/flaky", "M-flaky", message("f.jpg"));
        assertEquals(500, send(push).status());
        assertEquals(204, send(push).status());
        assertEquals(200, send(push).status());
        assertEquals(List.of("flaky photos", "flaky photos"), EventTestApplication.HANDLED);
    }

    @Test
    void otherPathsStayBehindSecurity() throws Exception {
        // A POST without a CSRF token or a login: refused by Spring Security, not by the event filter.
        assertEquals(403, RawHttp.post(port, "/private", java.util.Map.of(), new byte[0]).status());
    }
}
