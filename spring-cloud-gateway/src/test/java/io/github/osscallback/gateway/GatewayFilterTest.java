package io.github.osscallback.gateway;

import static io.github.osscallback.gateway.Edge.ATTACKER;
import static io.github.osscallback.gateway.Edge.DOWNSTREAM;
import static io.github.osscallback.gateway.Edge.OSS;
import static io.github.osscallback.gateway.Edge.signed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;

/**
 * The {@code OssCallback} route filter in a real gateway on a random port, in front of a real
 * downstream on loopback: what reaches the downstream, byte for byte, what the caller gets back,
 * and what never leaves the gateway.
 */
class GatewayFilterTest extends GatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERIFIED = OssCallbackGatewayFilterFactory.VERIFIED_HEADER;

    @Autowired
    OssCallbackGatewayFilterFactory factory;
    @Autowired
    CallbackVerifier verifier;

    @BeforeEach
    void forget() {
        DOWNSTREAM.received.clear();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private RawHttp.Response send(OssCallbackSigner signer, String signedPath, String target, byte[] signedBody,
                                  byte[] sentBody) throws Exception {
        int q = target.indexOf('?');
        String query = q < 0 ? null : target.substring(q + 1);
        return RawHttp.post(port, target, signed(signer, signedPath, query, FORM, signedBody), sentBody);
    }

    private static void assertRefused(RawHttp.Response response, int status, String reason) {
        assertEquals(status, response.status(), response.body());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"" + reason + "\"}", response.body());
        assertEquals(Integer.toString(bytes(response.body()).length), response.header("content-length"));
        assertEquals(List.of(), DOWNSTREAM.received, "a refused callback reached the downstream");
    }

    @Test
    void runsOnTheExpectedBootLineWithTheStartersVerifier() {
        assertEquals(System.getProperty("expected.spring-boot.version"), SpringBootVersion.getVersion());
        assertTrue(factory.verifier() == verifier);
        assertTrue(verifier.keyUrlPolicy().toString().contains(Edge.TRUSTED.baseUrl()), verifier.keyUrlPolicy().toString());
        assertEquals("OssCallback", factory.name());
    }

    @Test
    void aGenuineCallbackReachesTheDownstreamByteForByteAndItsReplyComesBack() throws Exception {
        byte[] body = bytes("bucket=photos&object=users%2F42%2F%E4%B8%AD.jpg&size=2048");
        RawHttp.Response response = send(OSS, "/edge/uploads", "/edge/uploads?id=1&index=2", body, body);

        assertEquals(200, response.status(), response.body());
        assertEquals(Integer.toString(bytes(response.body()).length), response.header("content-length"));
        JsonNode reply = JSON.readTree(response.body());
        assertEquals("OK", reply.get("status").asText());
        assertEquals(body.length, reply.get("received").asInt());
        assertEquals(1, DOWNSTREAM.received.size());
        Downstream.Received got = DOWNSTREAM.received.get(0);
        assertEquals("POST", got.method());
        assertEquals("/edge/uploads?id=1&index=2", got.target());
        assertArrayEquals(body, got.body());
        assertEquals(List.of(Integer.toString(body.length)), got.header("content-length"));
        assertEquals(List.of("signature, body=form"), got.header(VERIFIED));
        assertEquals(List.of(FORM), got.header("content-type"));
    }

    @Test
    void aChunkedJsonCallbackGoesOnWithItsExactLength() throws Exception {
        byte[] body = bytes("{\"bucket\":\"photos\",\"object\":\"a.jpg\",\"size\":3}");
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/edge/json"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        signed(OSS, "/edge/json", null, "application/json", body).forEach(request::header);
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode(), response.body());
        Downstream.Received got = DOWNSTREAM.received.get(0);
        assertArrayEquals(body, got.body());
        assertEquals(List.of(Integer.toString(body.length)), got.header("content-length"));
        assertEquals(List.of(), got.header("transfer-encoding"));
        assertEquals(List.of("signature, body=json"), got.header(VERIFIED));
    }

    @Test
    void forgedTamperedOversizedAndUntrustedCallbacksNeverLeaveTheGateway() throws Exception {
        byte[] body = bytes("bucket=photos&object=a.jpg&size=3");
        assertRefused(send(ATTACKER, "/edge/x", "/edge/x", body, body), 403, "signature_mismatch");
        assertRefused(send(OSS, "/edge/x", "/edge/x", body, bytes("bucket=photos&object=b.jpg&size=3")), 403,
                "signature_mismatch");
        assertRefused(RawHttp.post(port, "/edge/x?admin=1", signed(OSS, "/edge/x", null, FORM, body), body), 403,
                "signature_mismatch");
        byte[] huge = bytes("bucket=" + "b".repeat(70_000));
        assertRefused(send(OSS, "/edge/x", "/edge/x", huge, huge), 413, "body_too_large");
        Map<String, String> untrusted = new LinkedHashMap<>(ATTACKER.headers(Edge.UNTRUSTED.url("/oss/key.pem"),
                "/edge/x", null, FORM, body));
        assertRefused(RawHttp.post(port, "/edge/x", untrusted, body), 403, "untrusted_key_url");
        assertRefused(RawHttp.post(port, "/edge/x", Map.of("Content-Type", FORM), body), 400, "missing_header");
        assertEquals(List.of(), Edge.UNTRUSTED.requests());
    }

    @Test
    void stripPrefixAndRewritePathRoutesVerifyWhatOssCalled() throws Exception {
        byte[] body = bytes("bucket=photos&object=a.jpg&size=3");
        RawHttp.Response stripped = send(OSS, "/strip/cb/a", "/strip/cb/a?k=v", body, body);
        assertEquals(200, stripped.status(), stripped.body());
        assertEquals("/cb/a?k=v", DOWNSTREAM.received.get(0).target());
        DOWNSTREAM.received.clear();
        RawHttp.Response rewritten = send(OSS, "/rw/cb/a", "/rw/cb/a", body, body);
        assertEquals(200, rewritten.status(), rewritten.body());
        assertEquals("/service/cb/a", DOWNSTREAM.received.get(0).target());
        DOWNSTREAM.received.clear();
        RawHttp.Response late = send(OSS, "/late/cb/a", "/late/cb/a", body, body);
        assertEquals(200, late.status(), late.body());
        assertEquals("/cb/a", DOWNSTREAM.received.get(0).target());
        DOWNSTREAM.received.clear();

        // Signed for the path the downstream sees, not the one OSS called: not OSS's signature.
        assertRefused(send(OSS, "/cb/a", "/strip/cb/a", body, body), 403, "signature_mismatch");
        assertRefused(send(OSS, "/service/cb/a", "/rw/cb/a", body, body), 403, "signature_mismatch");
        assertRefused(send(OSS, "/cb/a", "/late/cb/a", body, body), 403, "signature_mismatch");
        assertRefused(send(ATTACKER, "/strip/cb/a", "/strip/cb/a", body, body), 403, "signature_mismatch");
    }

    @Test
    void aClientCannotSendTheGatewaysMarkThroughAnyRoute() throws Exception {
        byte[] body = bytes("bucket=photos&object=a.jpg&size=3");
        Map<String, String> headers = new LinkedHashMap<>(signed(OSS, "/edge/mark", null, FORM, body));
        headers.put(VERIFIED, "signature, body=form");
        assertEquals(200, RawHttp.post(port, "/edge/mark", headers, body).status());
        assertEquals(List.of("signature, body=form"), DOWNSTREAM.received.get(0).header(VERIFIED));
        DOWNSTREAM.received.clear();

        RawHttp.Response open = RawHttp.post(port, "/open/anything",
                Map.of(VERIFIED.toLowerCase(), "signature, body=form", "Content-Type", FORM), body);
        assertEquals(200, open.status(), open.body());
        assertEquals(List.of(), DOWNSTREAM.received.get(0).header(VERIFIED));
    }

    @Test
    void aBodyWithAProblemIsForwardedAndMarkedSo() throws Exception {
        byte[] body = bytes("object=%G1");
        RawHttp.Response response = send(OSS, "/edge/problem", "/edge/problem", body, body);
        assertEquals(200, response.status(), response.body());
        assertArrayEquals(body, DOWNSTREAM.received.get(0).body());
        assertEquals(List.of("signature, body=form, body-problem"), DOWNSTREAM.received.get(0).header(VERIFIED));
    }

    @Test
    void aGetIsRefusedAsNotAllowed() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/edge/get")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"method_not_allowed\"}", response.body());
        assertEquals(List.of(), DOWNSTREAM.received);
    }

    @Test
    void aDownstreamReplyOssWouldRefuseIsPassedOnAndLoggedAsAnError() throws Exception {
        byte[] body = bytes("bucket=photos&object=a.jpg&size=3");
        RawHttp.Response[] response = new RawHttp.Response[1];
        List<String> logged = LogCapture.messagesOf(OssCallbackGatewayFilterFactory.class, () ->
                response[0] = send(OSS, "/edge/text", "/edge/text", body, body));
        assertEquals(200, response[0].status());
        assertEquals("thanks", response[0].body());
        assertEquals("6", response[0].header("content-length"));
        assertTrue(logged.stream().anyMatch(m -> m.contains("OssCallbackGatewayFilter") && m.contains("CallbackFailed")),
                logged.toString());
    }

    @Test
    void aChunkedDownstreamReplyReachesTheCallerWithAnExactLength() throws Exception {
        byte[] body = bytes("bucket=photos&object=a.jpg&size=3");
        RawHttp.Response response = send(OSS, "/edge/chunked", "/edge/chunked", body, body);
        assertEquals(200, response.status(), response.body());
        assertEquals(Integer.toString(bytes(response.body()).length), response.header("content-length"));
        assertEquals("", response.header("transfer-encoding"));
        assertEquals("OK", JSON.readTree(response.body()).get("status").asText());
    }

    @Test
    void aRouteOnTheStartersCallbackPathsIsVerifiedOnceNotTwice() throws Exception {
        byte[] body = bytes("bucket=photos&object=a.jpg&size=3");
        int accepted = EdgeApplication.ACCEPTED.get();
        RawHttp.Response response = send(OSS, "/oss/callback/routed", "/oss/callback/routed", body, body);
        assertEquals(200, response.status(), response.body());
        assertEquals(accepted + 1, EdgeApplication.ACCEPTED.get());
        assertArrayEquals(body, DOWNSTREAM.received.get(0).body());
        assertEquals(List.of("signature, body=form"), DOWNSTREAM.received.get(0).header(VERIFIED));
        DOWNSTREAM.received.clear();
        assertRefused(send(ATTACKER, "/oss/callback/routed", "/oss/callback/routed", body, body), 403,
                "signature_mismatch");
    }
}
