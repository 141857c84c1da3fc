package io.github.osscallback.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The filter on plain WebFlux over Reactor Netty: what handlers get, what they may return, what is refused. */
class WebFluxFilterTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final byte[] BODY = "bucket=photos&object=users%2F42%2Fa.jpg&size=2048".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OssCallbackSigner SIGNER = OssCallbackSigner.generate();
    private static final OssCallbackSigner ATTACKER = OssCallbackSigner.generate();

    private static FluxServer server;

    @BeforeAll
    static void start() {
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, SIGNER.publicKeyPem())
                .remoteKeyFetching(false)
                .maxBodyBytes(1024)
                .build();
        server = FluxServer.start(verifier, 2, CallbackApp.class);
    }

    @AfterAll
    static void stop() {
        CallbackVerifier verifier = server.bean(CallbackVerifier.class);
        server.close();
        verifier.close();
    }

    @BeforeEach
    void forget() {
        CallbackApp.REACHED.clear();
    }

    private static RawHttp.Response post(String path, String query, String contentType, byte[] body) throws IOException {
        return post(SIGNER, path, query, contentType, body);
    }

    private static RawHttp.Response post(OssCallbackSigner signer, String path, String query, String contentType,
                                         byte[] body) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(signer.headers(KEY_URL, path, query, contentType, body));
        return RawHttp.post(server.port(), query == null ? path : path + "?" + query, headers, body);
    }

    private static JsonNode json(RawHttp.Response response) throws IOException {
        assertEquals(response.body().getBytes(StandardCharsets.UTF_8).length,
                Integer.parseInt(response.header("content-length")), "exact Content-Length");
        assertEquals("", response.header("transfer-encoding"));
        return JSON.readTree(response.body());
    }

    @Test
    void aHandlerTakingOssCallbackRepliesWithCallbackReply() throws IOException {
        RawHttp.Response response = post("/oss/callback/reply", null, FORM, BODY);
        assertEquals(200, response.status(), response.body());
        assertEquals("users/42/a.jpg", json(response).get("object").asText());
        assertTrue(response.header("content-type").startsWith("application/json"));
    }

    @Test
    void aBoundBodyAndAMonoOfCallbackReply() throws IOException {
        RawHttp.Response response = post("/oss/callback/mono", null, FORM, BODY);
        assertEquals(200, response.status(), response.body());
        JsonNode reply = json(response);
        assertEquals("users/42/a.jpg", reply.get("object").asText());
        assertEquals(2048, reply.get("size").asLong());
    }

    @Test
    void aRecordReturnedIsJsonWithAnExactLength() throws IOException {
        RawHttp.Response response = post("/oss/callback/record", null, FORM, BODY);
        assertEquals(200, response.status(), response.body());
        assertEquals("photos", json(response).get("bucket").asText());
    }

    @Test
    void requestBodyGetsTheExactBodyAsStringBytesOrRecord() throws IOException {
        // WebFlux reads a form body through getFormData() only (it answers @RequestBody on a form with
        // 415, by design), so the raw views are shown with a JSON callback body.
        byte[] jsonBody = "{\"bucket\":\"photos\",\"object\":\"o.jpg\",\"size\":7}".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response string = post("/oss/callback/string", null, "application/json", jsonBody);
        assertEquals(200, string.status(), string.body());
        JsonNode s = json(string);
        assertEquals(new String(jsonBody, StandardCharsets.UTF_8), s.get("body").asText());
        assertTrue(s.get("same").asBoolean());
        RawHttp.Response bytes = post("/oss/callback/bytes", null, "application/json", jsonBody);
        assertEquals(200, bytes.status(), bytes.body());
        assertEquals(jsonBody.length, json(bytes).get("length").asInt());
        assertTrue(JSON.readTree(bytes.body()).get("same").asBoolean());
        RawHttp.Response record = post("/oss/callback/json", null, "application/json", jsonBody);
        assertEquals(200, record.status(), record.body());
        assertEquals(7, json(record).get("size").asLong());
    }

    @Test
    void modelAttributesAndRequestParamsAreTheVerifiersReading() throws IOException {
        RawHttp.Response response = post("/oss/callback/model", "k=a%2Bb", FORM, BODY);
        assertEquals(200, response.status(), response.body());
        JsonNode reply = json(response);
        assertEquals("users/42/a.jpg", reply.get("object").asText());
        assertEquals("a+b", reply.get("k").asText());
    }

    @Test
    void functionalRoutesReadTheCallbackFromTheExchange() throws IOException {
        RawHttp.Response response = post("/oss/callback/fn", null, FORM, BODY);
        assertEquals(200, response.status(), response.body());
        assertEquals("users/42/a.jpg", json(response).get("object").asText());
    }

    @Test
    void anExtensionPathIsCovered() throws IOException {
        assertEquals(200, post("/upload.cb", null, FORM, BODY).status());
        RawHttp.Response forged = post(ATTACKER, "/upload.cb", null, FORM, BODY);
        assertEquals(403, forged.status());
        assertEquals(List.of("extension@" + CallbackApp.REACHED.get(0).split("@")[1]), CallbackApp.REACHED);
    }

    @Test
    void aForgeryIsRefusedWithOneLogLineAndNeverReachesTheHandler() throws Exception {
        List<LogRecord> log = LogCapture.recordsOf(OssCallbackWebFilter.class,
                () -> post(ATTACKER, "/oss/callback/reply", null, FORM, BODY));
        assertEquals(1, log.size(), log.toString());
        String line = LogCapture.message(log.get(0));
        assertTrue(line.contains("signature_mismatch (403), POST from 127.0.0.1"), line);
        RawHttp.Response response = post(ATTACKER, "/oss/callback/reply", null, FORM, BODY);
        assertEquals(403, response.status());
        assertEquals("signature_mismatch", json(response).get("reason").asText());
        assertEquals(List.of(), CallbackApp.REACHED);
    }

    @Test
    void anEncodedCallbackPathIsStillCovered() throws IOException {
        // Handler mappings match the decoded path; so does the filter, or this would reach the handler unverified.
        RawHttp.Response response = post(ATTACKER, "/oss/%63allback/reply", null, FORM, BODY);
        assertEquals(403, response.status(), response.body());
        assertEquals(List.of(), CallbackApp.REACHED);
    }

    @Test
    void pathsInAnotherFormAreRefusedWhenTheFilterIsMade() {
        CallbackVerifier verifier = server.bean(CallbackVerifier.class);
        for (String path : List.of("/oss/*/x", "oss/callback", "/oss/{id}", "**/*.cb", "/oss/**")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> new OssCallbackWebFilter(verifier, path));
            assertTrue(e.getMessage().contains("/exact/path, /prefix/* or *.extension"), e.getMessage());
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new OssCallbackWebFilter(verifier, List.of()));
    }

    @Test
    void pathsNotCoveredAreLeftAlone() throws IOException {
        RawHttp.Response response = RawHttp.post(server.port(), "/elsewhere", Map.of("Content-Type", "text/plain"),
                BODY);
        assertEquals(200, response.status(), response.body());
        assertEquals(BODY.length, JSON.readTree(response.body()).get("length").asInt());
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedBeforeItIsSent() throws IOException {
        Map<String, String> headers = SIGNER.headers(KEY_URL, "/oss/callback/reply", null, FORM, BODY);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            socket.setSoTimeout(30_000);
            StringBuilder head = new StringBuilder("POST /oss/callback/reply HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            headers.forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
            head.append("Content-Length: 4096\r\n\r\n");
            // Only the head: the answer comes without a byte of the body.
            socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.US_ASCII));
            byte[] answer = new byte[4096];
            int n = socket.getInputStream().read(answer);
            String text = new String(answer, 0, Math.max(n, 0), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("HTTP/1.1 413"), text);
            assertTrue(text.contains("\"body_too_large\""), text);
        }
        assertEquals(List.of(), CallbackApp.REACHED);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedAsItArrives() throws IOException {
        Map<String, String> headers = SIGNER.headers(KEY_URL, "/oss/callback/reply", null, FORM, BODY);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST /oss/callback/reply HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            headers.forEach((n, v) -> head.append(n).append(": ").append(v).append("\r\n"));
            head.append("Transfer-Encoding: chunked\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            // 2 KiB in 512-byte chunks, without the last chunk: the answer must come before the body ends.
            byte[] chunk = new byte[512];
            java.util.Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < 4; i++) {
                out.write(("200\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(chunk);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            byte[] answer = new byte[4096];
            int n = socket.getInputStream().read(answer);
            String text = new String(answer, 0, Math.max(n, 0), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("HTTP/1.1 413"), text);
            assertTrue(text.contains("\"body_too_large\""), text);
        }
        assertEquals(List.of(), CallbackApp.REACHED);
    }

    @Test
    void otherMethodsAreRefusedWithAllowPost() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write("GET /oss/callback/reply HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(text.startsWith("HTTP/1.1 405"), text);
            assertTrue(text.toLowerCase(java.util.Locale.ROOT).contains("allow: post"), text);
        }
        assertEquals(List.of(), CallbackApp.REACHED);
    }

    @Test
    void aBodyThatDoesNotBindIsRefusedWithItsReason() throws IOException {
        byte[] body = "bucket=photos&object=o.jpg&size=big".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response response = post("/oss/callback/record", null, FORM, body);
        assertEquals(400, response.status(), response.body());
        assertTrue(response.body().contains("\"REJECTED\""), response.body());
        json(response);
    }

    @Test
    void aReplyOssWouldRefuseIsSentAsItIsAndLoggedAsAnError() throws Exception {
        RawHttp.Response[] response = new RawHttp.Response[1];
        List<LogRecord> log = LogCapture.recordsOf(OssCallbackWebFilter.class, () -> {
            response[0] = post("/oss/callback/text", null, FORM, BODY);
            return null;
        });
        assertEquals(200, response[0].status());
        assertEquals("thanks", response[0].body());
        assertEquals("6", response[0].header("content-length"));
        assertEquals(1, log.size(), log.toString());
        assertTrue(LogCapture.message(log.get(0)).contains("203 CallbackFailed"), LogCapture.message(log.get(0)));
    }
}
