package io.github.osscallback.quarkus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.EventBridgeDeliverer;
import io.github.osscallback.testing.MnsPusher;
import io.github.osscallback.testing.SignedDelivery;
import io.github.osscallback.testing.SigningCertificate;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OSS event deliveries (MNS topic push, EventBridge v1 and v2) in the Quarkus test application:
 * genuine ones reach the {@code @OssEventVerified} method with the verified delivery and its exact
 * body, off the I/O thread; forged, tampered and untrusted ones are refused before it with an
 * exact Content-Length; a redelivery is answered 200 without the method, and a retry after the
 * method failed reaches it again.
 */
@QuarkusTest
@WithTestResource(KeyHost.class)
class EventDeliveryTest {

    private static final String MESSAGE = MnsPusher.ossEventMessage("ObjectCreated:PutObject", "cn-hangzhou",
            "photos", "users/42/cat.jpg", 3, "\"0CC175B9C0F1B6A831C399E269772661\"", "REQ-1", Instant.now());

    @TestHTTPResource("/")
    URL root;

    private MnsPusher mns;
    private EventBridgeDeliverer eventBridge;
    private String certificateUrl;

    @BeforeEach
    void signers() {
        var config = ConfigProvider.getConfig();
        SigningCertificate certificate = SigningCertificate.fromPem(
                config.getValue(KeyHost.EVENT_CERTIFICATE, String.class), config.getValue(KeyHost.EVENT_KEY, String.class));
        certificateUrl = config.getValue(KeyHost.EVENT_CERTIFICATE_URL, String.class);
        mns = MnsPusher.create(certificate, certificateUrl, Clock.systemUTC());
        eventBridge = EventBridgeDeliverer.create(certificate, certificateUrl, Clock.systemUTC());
    }

    private String url(String path) {
        return "http://127.0.0.1:" + root.getPort() + path;
    }

    private RawHttp.Response send(SignedDelivery delivery) throws IOException {
        return RawHttp.post(root.getPort(), delivery.target(), delivery.headers(), delivery.body());
    }

    private static void assertExactLength(RawHttp.Response response) {
        assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length),
                response.header("Content-Length"), response.toString());
    }

    private int handled(String id) throws Exception {
        HttpResponse<String> count = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url("/oss/events/handled/" + id))).build(), HttpResponse.BodyHandlers.ofString());
        return Integer.parseInt(count.body().trim());
    }

    private static String id() {
        return UUID.randomUUID().toString().replace("-", "").toUpperCase();
    }

    @Test
    void genuineMnsDeliveriesReachTheMethodInEveryFormat() throws Exception {
        for (MnsPusher.Format format : MnsPusher.Format.values()) {
            String id = id();
            RawHttp.Response response = send(mns.push(format, "/oss/events/push", id, MESSAGE));
            assertEquals(200, response.status(), format + ": " + response.body());
            assertTrue(response.body().contains("\"service\":\"MNS\",\"id\":\"" + id + "\",\"times\":1"), response.body());
            assertTrue(response.body().contains("\"sameBody\":true"), response.body());
            assertTrue(response.body().contains("\"objects\":[\"photos/users/42/cat.jpg\"]"), response.body());
            assertFalse(response.body().contains("eventloop"), response.body());
            assertExactLength(response);
        }
    }

    @Test
    void genuineEventBridgeDeliveriesVerifyByV1AndV2() throws Exception {
        for (EventBridgeDeliverer deliverer : new EventBridgeDeliverer[] {eventBridge, eventBridge.signingV2()}) {
            String id = id();
            String event = EventBridgeDeliverer.ossCloudEvent(id, "ObjectCreated:PostObject", "cn-hangzhou", "photos",
                    "a.jpg", 7, "\"9B2CF535F27731C974343645A3985328\"", "REQ-2", Instant.now());
            RawHttp.Response response = send(deliverer.deliver(url("/oss/events/push?tenant=a"), event));
            assertEquals(200, response.status(), response.body());
            assertTrue(response.body().contains("\"service\":\"EVENTBRIDGE\",\"id\":\"" + id + "\""), response.body());
            assertTrue(response.body().contains("\"objects\":[\"photos/a.jpg\"]"), response.body());
        }
    }

    @Test
    void forgedTamperedAndUntrustedDeliveriesAreRefusedBeforeTheMethod() throws Exception {
        String id = id();
        SignedDelivery genuine = mns.push(MnsPusher.Format.XML, "/oss/events/push", id, MESSAGE);
        RawHttp.Response tampered = send(genuine.withHeader("x-mns-message-id", "other"));
        assertEquals(403, tampered.status(), tampered.body());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"signature_mismatch\"}", tampered.body());
        assertExactLength(tampered);
        RawHttp.Response body = send(genuine.withBody((new String(genuine.body(), StandardCharsets.UTF_8) + " ")
                .getBytes(StandardCharsets.UTF_8)));
        // The body is signed through its Content-MD5, which no longer matches it.
        assertEquals(400, body.status(), body.body());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"content_md5_mismatch\"}", body.body());
        SigningCertificate stranger = SigningCertificate.generate();
        RawHttp.Response forged = send(MnsPusher.create(stranger, certificateUrl, Clock.systemUTC())
                .push(MnsPusher.Format.XML, "/oss/events/push", id, MESSAGE));
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"signature_mismatch\"}", forged.body());
        RawHttp.Response untrusted = send(MnsPusher.create(stranger, "http://127.0.0.1:1/elsewhere/cert.pem",
                Clock.systemUTC()).push(MnsPusher.Format.XML, "/oss/events/push", id, MESSAGE));
        assertEquals(403, untrusted.status(), untrusted.body());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"untrusted_key_url\"}", untrusted.body());
        RawHttp.Response unsigned = RawHttp.post(root.getPort(), "/oss/events/push",
                java.util.Map.of("Content-Type", "text/xml"), "<x/>".getBytes(StandardCharsets.UTF_8));
        assertEquals(400, unsigned.status(), unsigned.body());
        assertEquals(0, handled(id));
    }

    @Test
    void aRedeliveryIsAnsweredWithoutTheMethodAndARetryAfterAFailureReachesIt() throws Exception {
        String id = id();
        SignedDelivery delivery = mns.push(MnsPusher.Format.JSON, "/oss/events/push", id, MESSAGE);
        assertEquals(200, send(delivery).status());
        RawHttp.Response again = send(mns.push(MnsPusher.Format.JSON, "/oss/events/push", id, MESSAGE));
        assertEquals(200, again.status(), again.body());
        assertEquals("{\"status\":\"DUPLICATE\",\"reason\":\"duplicate_delivery\"}", again.body());
        assertExactLength(again);
        assertEquals(1, handled(id));

        String flaky = id();
        RawHttp.Response first = send(mns.push(MnsPusher.Format.JSON, "/oss/events/flaky", flaky, MESSAGE));
        assertEquals(503, first.status(), first.body());
        RawHttp.Response retry = send(mns.push(MnsPusher.Format.JSON, "/oss/events/flaky", flaky, MESSAGE));
        assertEquals(200, retry.status(), retry.body());
        assertEquals("handled 2", retry.body());
    }

    @Test
    void aPathUnderTheEventPathsIsVerifiedWithoutTheAnnotation() throws Exception {
        int before = handled("by-path");
        RawHttp.Response forged = send(MnsPusher.create(SigningCertificate.generate(), certificateUrl, Clock.systemUTC())
                .push(MnsPusher.Format.XML, "/oss/events/by-path/in", id(), MESSAGE));
        assertEquals(403, forged.status(), forged.body());
        assertEquals(before, handled("by-path"));
        RawHttp.Response genuine = send(mns.push(MnsPusher.Format.XML, "/oss/events/by-path/in", id(), MESSAGE));
        assertEquals(200, genuine.status(), genuine.body());
        assertEquals(before + 1, handled("by-path"));
    }
}
