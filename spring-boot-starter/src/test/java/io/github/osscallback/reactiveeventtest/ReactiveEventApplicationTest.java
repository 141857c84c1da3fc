package io.github.osscallback.reactiveeventtest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.micrometer.OssEventMetrics;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The starter's event side in a WebFlux application on Netty (Boot 4.0 or 3.5, by the module running these sources). */
@SpringBootTest(classes = ReactiveEventApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.main.web-application-type=reactive")
class ReactiveEventApplicationTest {

    private static final SigningCertificate CERT = SigningCertificate.generate();
    private static final LoopbackKeyServer CERTS = certificates();
    private static final Clock CLOCK = Clock.systemUTC();

    private static LoopbackKeyServer certificates() {
        try {
            LoopbackKeyServer server = LoopbackKeyServer.start().serve("/events/cert.pem", CERT.pem());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "reactive-event-cert-server-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("oss.callback.events.mns-certificate-prefixes", () -> CERTS.baseUrl() + "/events/");
        registry.add("oss.callback.events.mns-date-window-seconds", () -> "3600");
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;

    private final MnsPusher pusher = MnsPusher.create(CERT, CERTS.url("/events/cert.pem"), CLOCK);

    @BeforeEach
    void forget() {
        ReactiveEventApplication.HANDLED.clear();
    }

    private SignedDelivery push(String target, String id) {
        return pusher.push(MnsPusher.Format.XML, target, id, MnsPusher.ossEventMessage("ObjectCreated:PutObject",
                "cn-hangzhou", "photos", id + ".jpg", 12, "ETAG", "REQ", Instant.parse("2026-12-07T12:00:00Z")));
    }

    private RawHttp.Response send(SignedDelivery delivery) throws IOException {
        return RawHttp.post(port, delivery.target(), delivery.headers(), delivery.body());
    }

    @Test
    void genuinePushReachesTheHandlersAndARedeliveryDoesNot() throws Exception {
        SignedDelivery one = push("/oss/events/one", "R-1");
        assertEquals(204, send(one).status());
        assertEquals(204, send(push("/oss/events/raw", "R-2")).status());
        RawHttp.Response again = send(one);
        assertEquals(200, again.status());
        assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", again.body());
        assertEquals(List.of("one R-1.jpg", "raw true"), ReactiveEventApplication.HANDLED);
        assertEquals(2, meters.get(OssEventMetrics.DELIVERIES).tags("outcome", "accepted", "service", "mns")
                .counter().count());
    }

    @Test
    void aForgedPushNeverReachesTheHandler() throws Exception {
        RawHttp.Response forged = send(push("/oss/events/one", "R-3").withBody("<x/>".getBytes(StandardCharsets.UTF_8)));
        assertEquals(400, forged.status());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"content_md5_mismatch\"}", forged.body());
        assertEquals(String.valueOf(forged.body().length()), forged.header("Content-Length"));
        assertEquals(List.of(), ReactiveEventApplication.HANDLED);
    }
}
