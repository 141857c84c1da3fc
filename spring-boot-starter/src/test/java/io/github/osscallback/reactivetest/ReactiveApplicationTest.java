package io.github.osscallback.reactivetest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.micrometer.OssCallbackMetrics;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.webflux.OssCallbackWebFilter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a WebFlux application on Netty (Boot 4.0 or 3.5, by the module running these
 * sources), configured by two properties: genuine callbacks reach the controller and its {@code CallbackReply} goes back with an exact length; forgeries do not; Spring
 * Security's recipe lets callbacks through and nothing else; Actuator and Micrometer see the verifier.
 */
@SpringBootTest(classes = ReactiveCallbackApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.main.web-application-type=reactive",
                "oss.callback.paths=/oss/callback/*",
                "management.endpoints.web.exposure.include=health",
                "management.endpoint.health.show-details=always"})
class ReactiveApplicationTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    private static final OssCallbackSigner ATTACKER = OssCallbackSigner.generate();
    private static final LoopbackKeyServer KEYS = keys();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LoopbackKeyServer keys() {
        try {
            LoopbackKeyServer server = LoopbackKeyServer.start().serve("/oss/key.pem", OSS.publicKeyPem());
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "reactive-key-server-stop"));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("oss.callback.key-url-prefixes", () -> KEYS.baseUrl() + "/oss/");
    }

    @LocalServerPort
    int port;
    @Autowired
    OssCallbackWebFilter filter;
    @Autowired
    CallbackVerifier verifier;
    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void forget() {
        ReactiveCallbackApplication.HANDLED.clear();
    }

    private RawHttp.Response callback(OssCallbackSigner signer, String path, byte[] body) throws IOException {
        return RawHttp.post(port, path, signer.headers(KEYS.url("/oss/key.pem"), path, null, FORM, body), body);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private double requests(String outcome, String reason) {
        return meters.get(OssCallbackMetrics.REQUESTS).tags("outcome", outcome, "reason", reason).counter().count();
    }

    @Test
    void theStarterConfiguresTheFilterFromTheProperties() {
        assertEquals(List.of("/oss/callback/*"), filter.paths());
        assertTrue(filter.verifier() == verifier);
        assertTrue(verifier.keyUrlPolicy().toString().contains(KEYS.baseUrl()), verifier.keyUrlPolicy().toString());
    }

    @Test
    void aGenuineCallbackReachesTheControllerAndItsReplyGoesBackWithAnExactLength() throws Exception {
        double accepted = requests("accepted", "none");
        RawHttp.Response response = callback(OSS, "/oss/callback/reply", bytes("bucket=photos&object=a%2Fb.jpg&size=3"));
        assertEquals(200, response.status(), response.body());
        assertEquals(Integer.toString(bytes(response.body()).length), response.header("content-length"));
        JsonNode reply = JSON.readTree(response.body());
        assertEquals("OK", reply.get("status").asText());
        assertEquals("a/b.jpg", reply.get("object").asText());
        assertEquals(1, ReactiveCallbackApplication.HANDLED.size());
        assertEquals(accepted + 1, requests("accepted", "none"));
    }

    @Test
    void theStartersBodyAnnotationBindsOnWebFlux() throws Exception {
        RawHttp.Response response = callback(OSS, "/oss/callback/bound", bytes("bucket=photos&object=o.jpg&size=42"));
        assertEquals(200, response.status(), response.body());
        assertEquals(42, JSON.readTree(response.body()).get("size").asLong());
        assertEquals(Integer.toString(bytes(response.body()).length), response.header("content-length"));
    }

    @Test
    void aForgeryIsRefusedCountedAndNeverHandled() throws Exception {
        double forged = requests("rejected", "signature_mismatch");
        RawHttp.Response response = callback(ATTACKER, "/oss/callback/reply", bytes("bucket=photos&object=o.jpg"));
        assertEquals(403, response.status(), response.body());
        assertTrue(response.body().contains("\"signature_mismatch\""), response.body());
        assertEquals(List.of(), ReactiveCallbackApplication.HANDLED);
        assertEquals(forged + 1, requests("rejected", "signature_mismatch"));
    }

    @Test
    void securityLetsCallbacksThroughWithoutCsrfAndNothingElse() throws Exception {
        // Elsewhere CSRF still holds (403 without a token), and so does the login (401).
        RawHttp.Response other = RawHttp.post(port, "/private", Map.of("Content-Type", "text/plain"), bytes("x"));
        assertEquals(403, other.status(), other.body());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /private HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("HTTP/1.1 401"), text);
        }
        assertEquals(List.of(), ReactiveCallbackApplication.HANDLED);
        assertEquals(200, callback(OSS, "/oss/callback/reply", bytes("bucket=b&object=o")).status());
    }

    @Test
    void actuatorHealthShowsTheVerifiersKeys() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /actuator/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("HTTP/1.1 200"), text);
            JsonNode health = JSON.readTree(text.substring(text.indexOf("\r\n\r\n") + 4));
            assertTrue(health.path("components").has("ossCallback"), health.toString());
        }
    }
}
