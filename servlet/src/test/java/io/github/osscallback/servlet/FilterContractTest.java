package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.fixtures.ReadingViews;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the filter must do in any Servlet container; run on embedded Jetty and Tomcat by the
 * subclasses. The key host is a real loopback server; requests go over real HTTP.
 */
abstract class FilterContractTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String FORM = "application/x-www-form-urlencoded";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final OssCallbackSigner signer = OssCallbackSigner.generate();
    final AtomicInteger servletCalls = new AtomicInteger();
    LoopbackKeyServer keyServer;
    ContainerFixture container;
    String keyUrl;

    abstract ContainerFixture newContainer();

    @BeforeEach
    void startKeyServer() throws Exception {
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", signer.publicKeyPem());
        keyUrl = keyServer.url("/oss/key.pem");
        container = newContainer();
    }

    @AfterEach
    void stopAll() throws Exception {
        container.close();
        keyServer.close();
    }

    CallbackVerifier verifier() {
        return verifierBuilder().build();
    }

    CallbackVerifier.Builder verifierBuilder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .maxBodyBytes(1024);
    }

    /** Echoes what a downstream servlet can read after the filter. */
    final HttpServlet echo = new HttpServlet() {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            servletCalls.incrementAndGet();
            OssCallback callback = OssCallbacks.from(req);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bucket", callback.bucket().orElse(null));
            out.put("object", callback.object().orElse(null));
            out.put("param", req.getParameter("object"));
            out.put("queryParam", req.getParameter("q"));
            out.put("stream", new String(req.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            StringBuilder reader = new StringBuilder();
            req.getReader().lines().forEach(reader::append);
            out.put("reader", reader.toString());
            out.put("contentLength", req.getContentLength());
            OssCallbacks.reply(resp, CallbackReply.json(out));
        }
    };

    String start(String contextPath, OssCallbackFilter filter) throws Exception {
        return container.start(contextPath, "/cb/*", filter, Map.of(), echo);
    }

    HttpResponse<String> send(String baseUrl, String signedPath, String sentPath, String query, String contentType,
                              String body, Map<String, List<String>> headerOverrides, boolean chunked) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        signer.headers(keyUrl, signedPath, query, contentType, bytes).forEach((name, value) -> headers.put(name, List.of(value)));
        headers.putAll(headerOverrides);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + sentPath + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(10))
                .POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))
                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach((name, values) -> values.forEach(v -> request.header(name, v)));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> send(String baseUrl, String path, String contentType, String body) throws Exception {
        return send(baseUrl, path, path, null, contentType, body, Map.of(), false);
    }

    static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    void assertRejected(HttpResponse<String> response, int status, String reason) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse("").split(";")[0]);
        assertEquals("REJECTED", json(response).get("status").asText());
        assertEquals(reason, json(response).get("reason").asText());
        assertEquals(0, servletCalls.get(), "a rejected request must not reach the servlet");
    }

    @Test
    void formCallbackReachesServletWithBodyReadableEveryWay() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        String body = "bucket=b1&object=photos%2F%E4%B8%AD.jpg&size=3";
        HttpResponse<String> response = send(base, "/cb/upload", "/cb/upload", "q=1", FORM, body, Map.of(), false);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(response.body().getBytes(StandardCharsets.UTF_8).length,
                response.headers().firstValueAsLong("content-length").orElse(-1));
        JsonNode echoed = json(response);
        assertEquals("b1", echoed.get("bucket").asText());
        assertEquals("photos/\u4e2d.jpg", echoed.get("object").asText());
        assertEquals("photos/\u4e2d.jpg", echoed.get("param").asText());
        assertEquals("1", echoed.get("queryParam").asText());
        assertEquals(body, echoed.get("stream").asText());
        assertEquals(body, echoed.get("reader").asText());
        assertEquals(body.length(), echoed.get("contentLength").asInt());
    }

    @Test
    void jsonCallbackReachesServletWithBodyIntact() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        String body = "{\"bucket\":\"b1\",\"object\":\"\u4e2d.png\",\"x:uid\":\"7\"}";
        HttpResponse<String> response = send(base, "/cb/json", "application/json", body);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("\u4e2d.png", json(response).get("object").asText());
        assertEquals(body, json(response).get("stream").asText());
        assertTrue(json(response).get("param").isNull());
    }

    @Test
    void chunkedCallbackIsVerified() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        HttpResponse<String> response = send(base, "/cb/x", "/cb/x", null, FORM, "bucket=b&object=o", Map.of(), true);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("bucket=b&object=o", json(response).get("stream").asText());
    }

    @Test
    void verifiesUnderContextPath() throws Exception {
        String base = start("/app", new OssCallbackFilter(verifier()));
        HttpResponse<String> response = send(base, "/app/cb/x", "/cb/x", null, FORM, "bucket=b", Map.of(), false);
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void restoresPathPrefixStrippedByProxy() throws Exception {
        String base = start("/app", new OssCallbackFilter(verifierBuilder().signedPathPrefix("/edge").build()));
        HttpResponse<String> response = send(base, "/edge/app/cb/x", "/cb/x", null, FORM, "bucket=b", Map.of(), false);
        assertEquals(200, response.statusCode(), response.body());
    }

    @Test
    void configuresFromInitParams() throws Exception {
        Map<String, String> params = Map.of(
                "keyUrlPrefixes", keyServer.baseUrl() + "/oss/",
                "maxBodyBytes", "64",
                "signedPathPrefix", "/edge");
        String base = container.start("", "/cb/*", null, params, echo);
        assertEquals(200, send(base, "/edge/cb/x", "/cb/x", null, FORM, "bucket=b", Map.of(), false).statusCode());
        servletCalls.set(0);
        assertRejected(send(base, "/edge/cb/x", "/cb/x", null, FORM, "bucket=" + "b".repeat(64), Map.of(), false),
                413, "body_too_large");
    }

    /**
     * A request the filter must reject before the servlet: sent to {@code /cb/x} with {@code sentBody},
     * signed over {@code signedBody} unless {@code authorization} replaces the header (an empty list
     * removes it), naming the key at {@code keyPath} on the loopback key server.
     */
    record Rejection(String name, boolean strict, String contentType, String signedBody, String sentBody,
                     List<String> authorization, String keyPath, boolean chunked, int status, String reason) {

        static Rejection of(String name, String body, int status, String reason) {
            return new Rejection(name, false, FORM, body, body, null, "/oss/key.pem", false, status, reason);
        }

        Rejection withAuthorization(String... values) {
            return new Rejection(name, strict, contentType, signedBody, sentBody, List.of(values), keyPath, chunked, status, reason);
        }

        Rejection signedOver(String body) {
            return new Rejection(name, strict, contentType, body, sentBody, authorization, keyPath, chunked, status, reason);
        }

        Rejection keyAt(String path) {
            return new Rejection(name, strict, contentType, signedBody, sentBody, authorization, path, chunked, status, reason);
        }

        Rejection sentChunked() {
            return new Rejection(name, strict, contentType, signedBody, sentBody, authorization, keyPath, true, status, reason);
        }

        Rejection strictWith(String type) {
            return new Rejection(name, true, type, signedBody, sentBody, authorization, keyPath, chunked, status, reason);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Rejection> rejections() {
        String oversized = "bucket=" + "b".repeat(2000);
        return List.of(
                Rejection.of("missing signature", "bucket=b", 400, "missing_header").withAuthorization(),
                Rejection.of("malformed signature header", "bucket=b", 400, "malformed_header").withAuthorization("%%%"),
                Rejection.of("tampered body", "bucket=evil", 403, "signature_mismatch").signedOver("bucket=b"),
                Rejection.of("untrusted key URL", "bucket=b", 403, "untrusted_key_url").keyAt("/evil/key.pem"),
                Rejection.of("key cannot be fetched", "bucket=b", 503, "key_unavailable").keyAt("/oss/gone.pem"),
                Rejection.of("oversized body with length", oversized, 413, "body_too_large"),
                Rejection.of("oversized chunked body", oversized, 413, "body_too_large").sentChunked(),
                Rejection.of("malformed signed body in strict mode", "{\"bucket\":", 400, "malformed_body")
                        .strictWith("application/json"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectsBeforeTheServlet(Rejection r) throws Exception {
        String base = start("", new OssCallbackFilter(verifierBuilder().strictBodyParsing(r.strict()).build()));
        Map<String, List<String>> overrides = new LinkedHashMap<>();
        if (r.authorization() != null) {
            overrides.put("authorization", r.authorization());
        } else if (!r.signedBody().equals(r.sentBody())) {
            overrides.put("authorization", List.of(signer.sign("/cb/x", null, r.signedBody().getBytes(StandardCharsets.UTF_8))));
        }
        if (!r.keyPath().equals("/oss/key.pem")) {
            overrides.put("x-oss-pub-key-url", List.of(OssCallbackSigner.encodeKeyUrl(keyServer.url(r.keyPath()))));
        }
        assertRejected(send(base, "/cb/x", "/cb/x", null, r.contentType(), r.sentBody(), overrides, r.chunked()),
                r.status(), r.reason());
        if (r.reason().equals("untrusted_key_url")) {
            assertEquals(List.of(), keyServer.requests(), "an untrusted key URL is never fetched");
        }
    }

    @Test
    void deliversMalformedSignedBodyWithNoFieldsByDefault() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        HttpResponse<String> response = send(base, "/cb/x", "application/json", "{\"bucket\":\"b\",\"object\",\"o\"}");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).get("bucket").isNull());
        assertTrue(json(response).get("param").isNull());
        assertEquals("{\"bucket\":\"b\",\"object\",\"o\"}", json(response).get("stream").asText());
    }

    @Test
    void answersGetWith405() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/cb/x")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertRejected(response, 405, "method_not_allowed");
        assertEquals("POST", response.headers().firstValue("allow").orElse(""));
    }

    @Test
    void callbackServletWritesTheReplyItReturns() throws Exception {
        HttpServlet servlet = new OssCallbackServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected CallbackReply handle(OssCallback callback, HttpServletRequest request) {
                servletCalls.incrementAndGet();
                return CallbackReply.json(Map.of("stored", callback.object().orElse("?")));
            }
        };
        String base = container.start("", "/cb/*", new OssCallbackFilter(verifier()), Map.of(), servlet);
        HttpResponse<String> response = send(base, "/cb/x", FORM, "object=a.txt");
        assertEquals(200, response.statusCode());
        assertEquals("{\"stored\":\"a.txt\"}", response.body());
    }

    @Test
    void concurrentValidAndInvalidRequestsAreNeverMisclassified() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                int n = i;
                results.add(pool.submit(() -> {
                    String body = "bucket=b&object=o" + n;
                    boolean valid = n % 2 == 0;
                    Map<String, List<String>> override = valid ? Map.of() : Map.of("authorization",
                            List.of(signer.sign("/cb/x", null, ("bucket=b&object=o" + (n + 1)).getBytes(StandardCharsets.UTF_8))));
                    HttpResponse<String> r = send(base, "/cb/x", "/cb/x", null, FORM, body, override, false);
                    return valid ? r.statusCode() == 200 && json(r).get("object").asText().equals("o" + n)
                            : r.statusCode() == 403 && json(r).get("reason").asText().equals("signature_mismatch");
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(150, servletCalls.get());
        assertEquals(1, keyServer.requestCount("/oss/key.pem"));
    }

    // --- what the uploader or a replaying attacker controls cannot change the meaning ---

    @Test
    void queryNamingASignedBodyFieldIsRefused() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        String query = "object=users%2F1%2Fadmin.jpg&bucket=other";
        assertRejected(send(base, "/cb/x", "/cb/x", query, FORM, "bucket=b&object=users%2F42%2Fcat.jpg", Map.of(), false),
                400, "ambiguous_parameter");
    }

    @Test
    void charsetOtherThanUtf8IsRefusedAndUtf8ReadsAsSigned() throws Exception {
        // The charset is not signed; the reader and parameters must show what the verifier read.
        String base = start("", new OssCallbackFilter(verifier()));
        String body = "bucket=b&object=users%2F42%2F%C3%A9t%C3%A9.jpg";
        assertRejected(send(base, "/cb/x", "/cb/x", null, FORM + "; charset=ISO-8859-1", body, Map.of(), false),
                400, "unsupported_content_type");
        HttpResponse<String> utf8 = send(base, "/cb/x", "/cb/x", null, FORM + "; charset=UTF-8", body, Map.of(), false);
        assertEquals(200, utf8.statusCode(), utf8.body());
        assertEquals("users/42/\u00e9t\u00e9.jpg", json(utf8).get("param").asText());
        assertEquals(body, json(utf8).get("reader").asText());
    }

    @Test
    void queryEscapedIntoThePathIsRefused() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        String signature = signer.sign("/cb/x", "admin=1", "bucket=b".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = send(base, "/cb/x%3Fadmin=1", "/cb/x%3Fadmin=1", null, FORM, "bucket=b",
                Map.of("authorization", List.of(signature)), false);
        assertRejected(response, 400, "malformed_path");
    }

    @Test
    void c1ControlCharacterInThePathIsRefused() throws Exception {
        // U+0085 (NEL) is a line break to some readers: signed over, it still must not frame the path.
        String base = start("", new OssCallbackFilter(verifier()));
        for (String path : new String[] {"/cb/x%C2%85y", "/cb/x%c2%80", "/cb/x%C2%9F"}) {
            assertRejected(send(base, path, path, null, FORM, "bucket=b", Map.of(), false), 400, "malformed_path");
        }
        HttpResponse<String> plain = send(base, "/cb/%C3%85", "/cb/%C3%85", null, FORM, "bucket=b", Map.of(), false);
        assertEquals(200, plain.statusCode(), plain.body());
    }

    @Test
    void lowerCasePostNeverReachesTheServlet() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        String body = "bucket=b";
        RawResponse response = RawResponse.send(URI.create(base), "post /cb/x HTTP/1.1", body.length(),
                Map.of("authorization", signer.sign("/cb/x", null, body.getBytes(StandardCharsets.UTF_8)),
                        "x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyUrl), "content-type", FORM), body);
        // Some containers refuse the method themselves; whoever answers, it is never accepted.
        assertTrue(response.status == 405 || response.status == 400 || response.status == 501, response.toString());
        assertEquals(0, servletCalls.get());
    }

    @Test
    void bodyCutShortIsUnreadable() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        String body = "bucket=b";
        RawResponse response = RawResponse.send(URI.create(base), "POST /cb/x HTTP/1.1", body.length() + 10,
                Map.of("authorization", signer.sign("/cb/x", null, body.getBytes(StandardCharsets.UTF_8)),
                        "x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyUrl), "content-type", FORM), body);
        assertEquals(400, response.status, response.toString());
        // Tomcat answers a read that hit the end of the connection with its own error page.
        if (response.body.startsWith("{")) {
            assertEquals("body_unreadable", JSON.readTree(response.body).get("reason").asText());
        }
        assertEquals(0, servletCalls.get());
    }

    @Test
    void bodyConsumedByAnEarlierFilterIsNamedInTheLog() throws Exception {
        OssCallbackFilter oss = new OssCallbackFilter(verifier());
        // An earlier filter that asks for a parameter makes the container read the form body first.
        // A class with init and destroy, not a lambda: Servlet 3.1's Filter (Jetty 9.4) has no default methods.
        jakarta.servlet.Filter readsParameters = new jakarta.servlet.Filter() {
            @Override
            public void init(jakarta.servlet.FilterConfig config) {
            }

            @Override
            public void doFilter(jakarta.servlet.ServletRequest req, jakarta.servlet.ServletResponse res,
                                 jakarta.servlet.FilterChain chain) throws IOException, jakarta.servlet.ServletException {
                req.getParameter("anything");
                oss.doFilter(req, res, chain);
            }

            @Override
            public void destroy() {
            }
        };
        String base = container.start("", "/cb/*", readsParameters, Map.of(), echo);
        List<String> logged = io.github.osscallback.fixtures.LogCapture.messagesOf(OssCallbackFilter.class, () -> {
            assertRejected(send(base, "/cb/x", FORM, "bucket=b&object=o"), 400, "body_unreadable");
            return null;
        });
        assertEquals(1, logged.size(), logged.toString());
        assertTrue(logged.get(0).contains("another filter"), logged.get(0));
    }

    @Test
    void rejectionIsLoggedOnceOnOneLineWithoutSecrets() throws Exception {
        String base = start("", new OssCallbackFilter(verifier()));
        String body = "bucket=b&object=o&private=p4ssw0rd";
        String forged = signer.sign("/cb/x", "token=t0k3n", "bucket=c".getBytes(StandardCharsets.UTF_8));
        List<String> logged = io.github.osscallback.fixtures.LogCapture.messagesOf(OssCallbackFilter.class, () -> {
            assertRejected(send(base, "/cb/x", "/cb/x", "token=t0k3n", FORM, body,
                    Map.of("authorization", List.of(forged)), false), 403, "signature_mismatch");
            return null;
        });
        assertEquals(1, logged.size(), logged.toString());
        String line = logged.get(0);
        assertTrue(line.startsWith("OSS callback rejected by OssCallbackFilter: signature_mismatch (403), POST from 127.0.0.1: "),
                line);
        for (String secret : List.of(forged, "t0k3n", "p4ssw0rd", "\n")) {
            assertTrue(!line.contains(secret), line);
        }
    }

    @Test
    void handlerRejectionIsLoggedInTheSameFormat() throws Exception {
        HttpServlet servlet = new OssCallbackServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected CallbackReply handle(OssCallback callback, HttpServletRequest request)
                    throws io.github.osscallback.CallbackRejectedException {
                throw new io.github.osscallback.CallbackRejectedException(
                        io.github.osscallback.CallbackRejectedException.Reason.BUCKET_NOT_ALLOWED, "bucket b is not ours");
            }
        };
        String base = container.start("", "/cb/*", new OssCallbackFilter(verifier()), Map.of(), servlet);
        List<String> logged = io.github.osscallback.fixtures.LogCapture.messagesOf(OssCallbackServlet.class, () -> {
            assertRejected(send(base, "/cb/x", FORM, "bucket=b"), 403, "bucket_not_allowed");
            return null;
        });
        assertEquals(1, logged.size(), logged.toString());
        assertTrue(logged.get(0).startsWith("OSS callback rejected by OssCallbackServlet '"), logged.get(0));
        assertTrue(logged.get(0).contains("' handler: bucket_not_allowed (403), POST from 127.0.0.1: bucket b is not ours"),
                logged.get(0));
    }

    /** Everything a downstream servlet can read as parameters, beside the verifier's own reading. */
    final HttpServlet views = new HttpServlet() {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            servletCalls.incrementAndGet();
            OssCallback callback = OssCallbacks.from(req);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("fields", callback.fields());
            out.put("query", callback.queryParameters());
            Map<String, List<String>> merged = new LinkedHashMap<>();
            req.getParameterMap().forEach((name, values) -> merged.put(name, List.of(values)));
            out.put("merged", merged);
            Map<String, Object> values = new LinkedHashMap<>();
            for (String name : ReadingCase.PROBES) {
                String[] all = req.getParameterValues(name);
                values.put(name, all == null ? null : List.of(all));
                if (!java.util.Objects.equals(req.getParameter(name), all == null ? null : all[0])) {
                    out.put("inconsistent", "getParameter(" + name + ")");
                }
            }
            out.put("values", values);
            if (!java.util.Collections.list(req.getParameterNames()).equals(new ArrayList<>(merged.keySet()))) {
                out.put("inconsistent", "getParameterNames");
            }
            OssCallbacks.reply(resp, CallbackReply.json(out));
        }
    };

    /**
     * The differential corpus against every parameter view: each gives the verifier's reading (its
     * query reading, then the form fields) or nothing, never what another decoder would read.
     */
    @Test
    void everyParameterViewGivesTheVerifiersReadingOrNothing() throws Exception {
        String base = container.start("", "/cb/*", new OssCallbackFilter(verifier()), Map.of(), views);
        int port = URI.create(base).getPort();
        List<String> failures = new ArrayList<>();
        for (ReadingCase c : ReadingCase.corpus()) {
            String target = "/cb/views" + (c.query() == null ? "" : "?" + c.query());
            RawHttp.Response response = RawHttp.post(port, target,
                    signer.headers(keyUrl, "/cb/views", c.query(), FORM, c.body()), c.body());
            String problem = response.body().contains("\"inconsistent\"") ? "views disagree: " + response.body()
                    : ReadingViews.problem(c, response.status(), response.body());
            if (problem != null) {
                failures.add(c.label() + ": " + problem);
            }
        }
        assertEquals(List.of(), failures);
    }
}
