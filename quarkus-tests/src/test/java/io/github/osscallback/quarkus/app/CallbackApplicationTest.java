package io.github.osscallback.quarkus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RawHttp;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The extension in a real Quarkus REST application on a random loopback port: genuine callbacks
 * reach each kind of resource method with an exact Content-Length, and every rejection is answered
 * with its status and reason before any resource method runs.
 */
@QuarkusTest
@WithTestResource(KeyHost.class)
class CallbackApplicationTest {

    private static final String BODY = "bucket=b&object=users%2F42%2Fcat.jpg&size=3";

    @TestHTTPResource("/")
    URL root;

    private Callbacks callbacks;

    @BeforeEach
    void connect() {
        callbacks = Callbacks.ofRunningApplication(root.getPort());
    }

    private static void assertExactLength(RawHttp.Response response) {
        assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length),
                response.header("Content-Length"), "Content-Length of " + response);
        assertEquals("", response.header("Transfer-Encoding"), response.toString());
    }

    @Test
    void genuineCallbackReachesTheMethodTakingOssCallback() throws IOException {
        RawHttp.Response response = callbacks.genuine("/oss/callback/upload", null, Callbacks.FORM, BODY);
        assertEquals(200, response.status(), response.body());
        assertTrue(response.body().startsWith("{\"object\":\"users/42/cat.jpg\"")
                || response.body().contains("\"object\":\"users/42/cat.jpg\""), response.body());
        assertTrue(response.header("Content-Type").startsWith("application/json"), response.header("Content-Type"));
        assertExactLength(response);
    }

    @Test
    void verificationNeverRunsTheResourceOnTheIoThread() throws IOException {
        RawHttp.Response response = callbacks.genuine("/oss/callback/upload", null, Callbacks.FORM, BODY);
        assertEquals(200, response.status(), response.body());
        assertFalse(response.body().contains("eventloop"), response.body());
    }

    @Test
    void aMapReplyIsJsonWithExactContentLength() throws IOException {
        RawHttp.Response response = callbacks.genuine("/oss/callback/map", null, Callbacks.FORM, BODY);
        assertEquals(200, response.status(), response.body());
        assertEquals("{\"bucket\":\"b\",\"ok\":true}", response.body());
        assertExactLength(response);
    }

    @Test
    void aRecordIsBoundFromAFormBody() throws IOException {
        RawHttp.Response response = callbacks.genuine("/oss/callback/bound", null, Callbacks.FORM, BODY);
        assertEquals(200, response.status(), response.body());
        assertEquals("{\"bucket\":\"b\",\"object\":\"users/42/cat.jpg\",\"size\":3}", response.body());
        assertExactLength(response);
    }

    @Test
    void aRecordIsBoundFromAJsonBodyBeforeAnyJsonReader() throws IOException {
        RawHttp.Response response = callbacks.genuine("/oss/callback/bound", null, "application/json",
                "{\"bucket\":\"b\",\"object\":\"o.jpg\",\"size\":7,\"extra\":1}");
        assertEquals(200, response.status(), response.body());
        assertEquals("{\"bucket\":\"b\",\"object\":\"o.jpg\",\"size\":7}", response.body());
    }

    @Test
    void aBodyThatDoesNotFitTheRecordIs400MalformedBody() throws IOException {
        RawHttp.Response response = callbacks.genuine("/oss/callback/bound", null, Callbacks.FORM,
                "bucket=b&object=o.jpg&size=many");
        assertEquals(400, response.status(), response.body());
        assertTrue(response.body().contains("\"malformed_body\""), response.body());
        assertExactLength(response);
    }

    @Test
    void aNonBlockingMethodIsVerifiedOffTheIoThread() throws IOException {
        RawHttp.Response response = callbacks.genuine("/oss/callback/reactive", null, Callbacks.FORM, BODY);
        assertEquals(200, response.status(), response.body());
        assertTrue(response.body().contains("\"object\":\"users/42/cat.jpg\""), response.body());
        assertExactLength(response);
        RawHttp.Response forged = callbacks.forged("/oss/callback/reactive", BODY, BODY.replace("cat", "dog"));
        assertEquals(403, forged.status(), forged.body());
    }

    @Test
    void aMethodUnderTheConfiguredPathsIsVerifiedWithoutTheAnnotation() throws IOException {
        RawHttp.Response response = callbacks.genuine("/oss/callback/by-path", null, Callbacks.FORM, BODY);
        assertEquals(200, response.status(), response.body());
        assertEquals("{\"body\":\"" + BODY + "\"}", response.body());
        RawHttp.Response forged = callbacks.forged("/oss/callback/by-path", BODY, BODY.replace("cat", "dog"));
        assertEquals(403, forged.status(), forged.body());
        assertTrue(forged.body().contains("\"signature_mismatch\""), forged.body());
    }

    @Test
    void anAnnotatedMethodOutsideThePathsIsVerified() throws IOException {
        assertEquals(200, callbacks.genuine("/api/annotated", null, Callbacks.FORM, BODY).status());
        RawHttp.Response forged = callbacks.forged("/api/annotated", BODY, BODY.replace("cat", "dog"));
        assertEquals(403, forged.status(), forged.body());
    }

    @Test
    void otherMethodsAreLeftAlone() throws IOException {
        RawHttp.Response response = callbacks.post("/api/open", null, Map.of("Content-Type", "text/plain"),
                "hello".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.status(), response.body());
        assertEquals("open:hello", response.body());
    }

    @Test
    void aForgedCallbackIs403AndNeverReachesTheMethod() throws IOException {
        RawHttp.Response response = callbacks.forged("/oss/callback/upload", BODY, BODY.replace("cat", "dog"));
        assertEquals(403, response.status(), response.body());
        assertTrue(response.body().contains("\"signature_mismatch\""), response.body());
        assertFalse(response.body().contains("dog"), response.body());
        assertTrue(response.header("Content-Type").startsWith("application/json"), response.header("Content-Type"));
        assertExactLength(response);
    }

    @Test
    void missingSignatureHeadersAre400() throws IOException {
        RawHttp.Response response = callbacks.post("/oss/callback/upload", null, Map.of("Content-Type", Callbacks.FORM),
                BODY.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, response.status(), response.body());
        assertTrue(response.body().contains("\"missing_header\""), response.body());
        assertExactLength(response);
    }

    @Test
    void aDeclaredLengthOverTheLimitIs413BeforeTheBodyIsRead() throws IOException {
        // Only the head is sent: a server that waited for the 100000 bytes before answering would time out here.
        String head = "POST /oss/callback/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + Callbacks.FORM
                + "\r\nAuthorization: x\r\nx-oss-pub-key-url: x\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n";
        String answer = exchange(head.getBytes(StandardCharsets.US_ASCII));
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("\"body_too_large\""), answer);
    }

    @Test
    void aChunkedBodyIsCutAtTheLimit() throws IOException {
        byte[] big = "x=".concat("a".repeat(70_000)).getBytes(StandardCharsets.US_ASCII);
        Map<String, String> headers = new LinkedHashMap<>(callbacks.signer.headers(callbacks.keyUrl, "/oss/callback/upload",
                null, Callbacks.FORM, big));
        StringBuilder request = new StringBuilder("POST /oss/callback/upload HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        StringBuilder chunks = new StringBuilder();
        for (int off = 0; off < big.length; off += 1000) {
            int n = Math.min(1000, big.length - off);
            chunks.append(Integer.toHexString(n)).append("\r\n")
                    .append(new String(big, off, n, StandardCharsets.US_ASCII)).append("\r\n");
        }
        chunks.append("0\r\n\r\n");
        String answer = exchange((request.toString() + chunks).getBytes(StandardCharsets.US_ASCII));
        assertTrue(answer.startsWith("HTTP/1.1 413"), answer);
        assertTrue(answer.contains("\"body_too_large\""), answer);
    }

    /**
     * One response, read by its Content-Length: the server answers a request whose body it refused
     * before the client sent it, and may keep the connection open for the rest of that body.
     */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
        assertTrue(length.find(), text);
        return text + new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
    }

    private String exchange(byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", root.getPort()), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            return readResponse(socket.getInputStream());
        }
    }
}
