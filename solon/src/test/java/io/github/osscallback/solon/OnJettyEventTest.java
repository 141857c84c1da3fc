package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.EventBridgeDeliverer;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Event deliveries on solon-server-jetty (Jetty 9.4), run by the Jetty surefire execution with the
 * same application: EventBridge deliveries verify; genuine MNS pushes do not, because Jetty 9.4
 * hands over a Content-Type other than the one MNS signed (docs/events.md, "Adapters"), and this
 * pins that, so the documentation changes when it does.
 */
class OnJettyEventTest {

    private static int port;

    @BeforeAll
    static void start() throws Exception {
        port = TestApplication.start();
    }

    @BeforeEach
    void clear() {
        TestApplication.EVENTS.clear();
        TestApplication.EVENT_PAYLOADS.clear();
    }

    private static String certUrl() {
        return TestApplication.eventKeys().url("/events/cert.pem");
    }

    private static SignedDelivery eventBridge(EventBridgeDeliverer deliverer) {
        return deliverer.deliver("http://127.0.0.1:" + port + "/oss/events/uploads?from=eb",
                EventBridgeDeliverer.ossCloudEvent("EB-" + UUID.randomUUID(), "ObjectCreated:PutObject", "cn-hangzhou",
                        "photos", "a.jpg", 12, "ETAG", "REQ-1", Instant.now()));
    }

    private static RawHttp.Response send(SignedDelivery delivery) throws IOException {
        return RawHttp.post(port, delivery.target(), delivery.headers(), delivery.body());
    }

    @Test
    void genuineEventBridgeDeliveriesReachTheHandlerOnJetty() throws Exception {
        EventBridgeDeliverer deliverer = EventBridgeDeliverer.create(TestApplication.EVENT_CERT, certUrl(),
                Clock.systemUTC());
        for (EventBridgeDeliverer signer : List.of(deliverer, deliverer.signingV2())) {
            TestApplication.EVENTS.clear();
            TestApplication.EVENT_PAYLOADS.clear();
            SignedDelivery delivery = eventBridge(signer);
            RawHttp.Response response = send(delivery);
            assertEquals(204, response.status(), response.body());
            assertEquals(EventDelivery.Service.EVENTBRIDGE, TestApplication.EVENTS.get(0).service());
            assertArrayEquals(delivery.body(), TestApplication.EVENT_PAYLOADS.get(0));
            assertEquals(RawTargetProbe.servletRequest(), true);
            RawHttp.Response again = send(delivery);
            assertEquals(200, again.status());
            assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", again.body());
            assertEquals(String.valueOf(again.body().length()), again.header("Content-Length"));
            assertEquals(1, TestApplication.EVENTS.size());
        }
    }

    @Test
    void aTamperedDeliveryIsRefusedOnJettyWithItsExactLength() throws Exception {
        SignedDelivery genuine = eventBridge(EventBridgeDeliverer.create(TestApplication.EVENT_CERT, certUrl(),
                Clock.systemUTC()).signingV2());
        RawHttp.Response response = send(genuine.withBody(new String(genuine.body(), StandardCharsets.UTF_8)
                .replace("a.jpg", "b.jpg").getBytes(StandardCharsets.UTF_8)));
        String body = "{\"status\":\"REJECTED\",\"reason\":\"signature_mismatch\"}";
        assertEquals(403, response.status());
        assertEquals(body, response.body());
        assertEquals(String.valueOf(body.length()), response.header("Content-Length"));
        assertEquals(List.of(), TestApplication.EVENTS);
    }

    @ParameterizedTest
    @EnumSource(MnsPusher.Format.class)
    void genuineMnsPushesFailOnJetty94(MnsPusher.Format format) throws Exception {
        SignedDelivery push = MnsPusher.create(TestApplication.EVENT_CERT, certUrl(), Clock.systemUTC())
                .push(format, "/oss/events/uploads", "MSG-" + UUID.randomUUID(), "{\"events\":[]}");
        RawHttp.Response response = send(push);
        assertEquals(403, response.status(), response.body());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"signature_mismatch\"}", response.body());
        assertEquals(List.of(), TestApplication.EVENTS);
    }
}
