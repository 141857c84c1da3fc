package io.github.osscallback.boot27;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.fixtures.ReadingViews;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.filter.OrderedHiddenHttpMethodFilter;
import org.springframework.core.Ordered;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Genuine and forged callbacks over real HTTP to a Spring Boot 2.7 application on its embedded
 * Tomcat 9, the filter registered with {@code FilterRegistrationBean}. Spring's own
 * HiddenHttpMethodFilter is switched on: it reads a parameter of every POST, as the application's
 * own parameter-reading filter does.
 */
@SpringBootTest(classes = CallbackApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = {"spring.mvc.hiddenmethod.filter.enabled=true", "spring.main.banner-mode=off"})
class FilterRegistrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final OssCallbackSigner SIGNER = OssCallbackSigner.generate();
    private static LoopbackKeyServer keyServer;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @LocalServerPort
    int port;

    @Autowired
    UploadController controller;

    @Autowired
    OrderedHiddenHttpMethodFilter hiddenHttpMethodFilter;

    @BeforeAll
    static void startKeyServer() throws IOException {
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", SIGNER.publicKeyPem());
    }

    @DynamicPropertySource
    static void trustTheKeyServer(DynamicPropertyRegistry registry) {
        registry.add("oss.key-url-prefix", () -> keyServer.baseUrl() + "/oss/");
    }

    @AfterAll
    static void stopKeyServer() {
        keyServer.close();
    }

    @BeforeEach
    void resetCalls() {
        controller.calls.set(0);
    }

    @Test
    void genuineFormCallbackReachesTheControllerAfterTheParameterReadingFilters() throws Exception {
        String body = "bucket=b1&object=photos%2F%E4%B8%AD.jpg&size=3";
        HttpResponse<String> response = send("/oss/callback/form", FORM, body, Map.of());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse("").split(";")[0]);
        assertEquals(response.body().getBytes(StandardCharsets.UTF_8).length,
                response.headers().firstValueAsLong("content-length").orElse(-1), "OSS needs an exact Content-Length");
        JsonNode reply = JSON.readTree(response.body());
        assertEquals("b1", reply.get("bucket").asText());
        assertEquals("photos/\u4e2d.jpg", reply.get("object").asText());
        assertEquals("photos/\u4e2d.jpg", reply.get("param").asText());
        assertEquals("photos/\u4e2d.jpg", reply.get("readByLaterFilter").asText());
        assertEquals(1, controller.calls.get());
        assertTrue(hiddenHttpMethodFilter.getOrder() > Ordered.HIGHEST_PRECEDENCE, "Spring's HiddenHttpMethodFilter is ordered after ours");
    }

    @Test
    void genuineJsonCallbackReachesTheControllerWithItsBody() throws Exception {
        String body = "{\"bucket\":\"b1\",\"object\":\"\u4e2d.png\",\"x:uid\":\"7\"}";
        HttpResponse<String> response = send("/oss/callback/json", "application/json", body, Map.of());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode reply = JSON.readTree(response.body());
        assertEquals("\u4e2d.png", reply.get("object").asText());
        assertEquals("7", reply.get("uid").asText());
        assertEquals(JSON.readTree(body), reply.get("bodyAsSpringReadIt"));
        // The controller returns a Map; the filter frames it, as OSS needs an exact Content-Length.
        assertEquals(response.body().getBytes(StandardCharsets.UTF_8).length,
                response.headers().firstValueAsLong("content-length").orElse(-1));
        assertEquals(1, controller.calls.get());
    }

    /** A callback to {@code /oss/callback/form} the filter must refuse before any controller runs. */
    record Rejection(String name, String body, Map<String, String> overrides, int status, String reason) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Rejection> rejections() {
        String signedOverAnotherBody = SIGNER.sign("/oss/callback/form", null, "bucket=b&object=mine.jpg".getBytes(StandardCharsets.UTF_8));
        return List.of(
                new Rejection("forged signature", "bucket=b&object=theirs.jpg",
                        Map.of("authorization", signedOverAnotherBody), 403, "signature_mismatch"),
                new Rejection("untrusted key URL", "bucket=b",
                        Map.of("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyServer.url("/evil/key.pem"))),
                        403, "untrusted_key_url"),
                new Rejection("malformed signature header", "bucket=b", Map.of("authorization", "%%%"), 400,
                        "malformed_header"),
                new Rejection("oversized body", "bucket=" + "b".repeat(2000), Map.of(), 413, "body_too_large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectedBeforeTheController(Rejection r) throws Exception {
        HttpResponse<String> response = send("/oss/callback/form", FORM, r.body(), r.overrides());
        assertEquals(r.status(), response.statusCode(), response.body());
        JsonNode reply = JSON.readTree(response.body());
        assertEquals("REJECTED", reply.get("status").asText());
        assertEquals(r.reason(), reply.get("reason").asText());
        assertEquals(0, controller.calls.get(), "a rejected callback must not reach the controller");
    }

    @Test
    void missingSignatureIsRefusedWith400() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oss/callback/form"))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", FORM)
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyServer.url("/oss/key.pem")))
                .POST(HttpRequest.BodyPublishers.ofString("bucket=b"))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("missing_header", JSON.readTree(response.body()).get("reason").asText());
        assertEquals(0, controller.calls.get());
    }

    private HttpResponse<String> send(String path, String contentType, String body, Map<String, String> overrides)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>(
                SIGNER.headers(keyServer.url("/oss/key.pem"), path, null, contentType, bytes));
        headers.putAll(overrides);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The differential corpus against Spring MVC's {@code @RequestParam} views on Boot 2.7 and its
     * Tomcat 9: the verifier's reading (query, then body) or nothing.
     */
    @Test
    void everyRequestParamGivesTheVerifiersReadingOrNothing() throws Exception {
        List<String> failures = new ArrayList<>();
        String path = "/oss/callback/views";
        for (ReadingCase c : ReadingCase.corpus()) {
            RawHttp.Response response = RawHttp.post(port, path + (c.query() == null ? "" : "?" + c.query()),
                    SIGNER.headers(keyServer.url("/oss/key.pem"), path, c.query(), FORM, c.body()), c.body());
            String problem = response.body().contains("\"inconsistent\"") ? "views disagree: " + response.body()
                    : ReadingViews.problem(c, response.status(), response.body());
            if (problem != null) {
                failures.add(c + ": " + problem);
            }
        }
        assertEquals(List.of(), failures);
    }
}
