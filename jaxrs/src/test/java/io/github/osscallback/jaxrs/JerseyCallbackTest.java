package io.github.osscallback.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.Jetty;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ApplicationHandler;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JAX-RS feature on Jersey 3, served by embedded Jetty under a context and servlet path. */
class JerseyCallbackTest {

    static final String FORM = MediaType.APPLICATION_FORM_URLENCODED;
    static final AtomicInteger RESOURCE_CALLS = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    record Counted(int count) {
    }

    @Path("/cb")
    public static class CallbackResource {

        @POST
        @Path("typed")
        @OssCallbackVerified
        public CallbackReply typed(OssCallback callback) {
            RESOURCE_CALLS.incrementAndGet();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("bucket", callback.bucket().orElse(null));
            out.put("object", callback.object().orElse(null));
            out.put("custom", callback.customVariables());
            return CallbackReply.json(out);
        }

        @POST
        @Path("form")
        @OssCallbackVerified
        @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
        public CallbackReply form(@FormParam("object") String object, @FormParam("bucket") String bucket) {
            RESOURCE_CALLS.incrementAndGet();
            return CallbackReply.json(Map.of("object", object, "bucket", bucket));
        }

        /** Never runs: the filter answers a GET with 405. */
        @GET
        @Path("typed")
        @OssCallbackVerified
        public CallbackReply typedGet() {
            RESOURCE_CALLS.incrementAndGet();
            return CallbackReply.ok();
        }

        @POST
        @Path("raw")
        @OssCallbackVerified
        public CallbackReply raw(byte[] body) {
            RESOURCE_CALLS.incrementAndGet();
            return CallbackReply.json(Map.of("raw", new String(body, StandardCharsets.UTF_8)));
        }

        @POST
        @Path("bind")
        @OssCallbackVerified
        public CallbackReply bind(OssCallback callback) throws CallbackRejectedException {
            RESOURCE_CALLS.incrementAndGet();
            return CallbackReply.json(Map.of("count", callback.bind(Counted.class).count()));
        }

        /** A reply OSS refuses: it is not JSON. */
        @POST
        @Path("text")
        @OssCallbackVerified
        @Produces(MediaType.TEXT_PLAIN)
        public String text(OssCallback callback) {
            RESOURCE_CALLS.incrementAndGet();
            return "stored " + callback.object().orElse("?");
        }

        /** A reply OSS takes, though not a CallbackReply. */
        @POST
        @Path("json-string")
        @OssCallbackVerified
        @Produces(MediaType.APPLICATION_JSON)
        public String jsonString(OssCallback callback) {
            RESOURCE_CALLS.incrementAndGet();
            return "{\"stored\":true}";
        }

        /** A reply OSS refuses: it is empty. */
        @POST
        @Path("empty")
        @OssCallbackVerified
        public void empty(OssCallback callback) {
            RESOURCE_CALLS.incrementAndGet();
        }

        @POST
        @Path("open")
        public String open(String body) {
            return "open:" + body;
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private LoopbackKeyServer keyServer;
    private Server server;
    private String base;
    private String keyUrl;

    @BeforeEach
    void start() throws Exception {
        RESOURCE_CALLS.set(0);
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", signer.publicKeyPem());
        keyUrl = keyServer.url("/oss/key.pem");
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .maxBodyBytes(1024)
                .build();
        startJersey(new ResourceConfig(CallbackResource.class).register(new OssCallbackFeature(verifier)));
    }

    private void startJersey(ResourceConfig config) throws Exception {
        startJersey(config, true);
    }

    private void startJersey(ResourceConfig config, boolean headerCacheCaseSensitive) throws Exception {
        if (server != null) {
            server.stop();
        }
        server = new Server();
        ServerConnector connector = Jetty.addConnector(server, "127.0.0.1", 0, headerCacheCaseSensitive);
        ServletContextHandler context = new ServletContextHandler("/app");
        context.addServlet(new ServletHolder(new ServletContainer(config)), "/api/*");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
        keyServer.close();
    }

    private HttpResponse<String> post(String path, String contentType, String body, Map<String, String> overrides)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>(signer.headers(keyUrl, path, null, contentType, bytes));
        headers.putAll(overrides);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach((k, v) -> {
            if (v != null) {
                request.header(k, v);
            }
        });
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private void assertRejected(HttpResponse<String> response, int status, String reason) throws IOException {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("REJECTED", json(response).get("status").asText());
        assertEquals(reason, json(response).get("reason").asText());
        assertEquals(0, RESOURCE_CALLS.get(), "a rejected request must not reach the resource");
    }

    @Test
    void typedCallbackReachesAnnotatedMethod() throws Exception {
        HttpResponse<String> response = post("/app/api/cb/typed", FORM, "bucket=b&object=%E4%B8%AD.jpg&x%3Auid=9", Map.of());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        assertEquals(response.body().getBytes(StandardCharsets.UTF_8).length,
                response.headers().firstValueAsLong("content-length").orElse(-1));
        assertEquals("\u4e2d.jpg", json(response).get("object").asText());
        assertEquals("9", json(response).get("custom").get("x:uid").asText());
    }

    @Test
    void jsonCallbackReachesAnnotatedMethod() throws Exception {
        HttpResponse<String> response = post("/app/api/cb/typed", "application/json",
                "{\"bucket\":\"b\",\"object\":\"o.png\"}", Map.of());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("o.png", json(response).get("object").asText());
    }

    @Test
    void queryCannotSpeakForAFormParam() throws Exception {
        // Signed by OSS for a callback URL whose query the uploader chose: @FormParam must never see it.
        String path = "/app/api/cb/form";
        String query = "object=users%2F1%2Fadmin.jpg&bucket=other";
        byte[] body = "bucket=b&object=users%2F42%2Fcat.jpg".getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path + "?" + query))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signer.headers(keyUrl, path, query, FORM, body).forEach(request::header);
        assertRejected(http.send(request.build(), HttpResponse.BodyHandlers.ofString()), 400, "ambiguous_parameter");
    }

    @Test
    void charsetCannotMakeAFormParamReadOtherwise() throws Exception {
        // Jersey decodes @FormParam by the Content-Type's charset, which OSS does not sign.
        String body = "bucket=b&object=users%2F42%2F%C3%A9t%C3%A9.jpg";
        assertRejected(post("/app/api/cb/form", FORM + "; charset=ISO-8859-1", body, Map.of()),
                400, "unsupported_content_type");
        HttpResponse<String> utf8 = post("/app/api/cb/form", FORM + "; charset=UTF-8", body, Map.of());
        assertEquals(200, utf8.statusCode(), utf8.body());
        assertEquals("users/42/\u00e9t\u00e9.jpg", json(utf8).get("object").asText());
    }

    @Test
    void formParamsAreReadableAfterVerification() throws Exception {
        HttpResponse<String> response = post("/app/api/cb/form", FORM, "bucket=b&object=a+b.txt", Map.of());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("a b.txt", json(response).get("object").asText());
        assertEquals("b", json(response).get("bucket").asText());
    }

    @Test
    void rawBodyIsReadableAfterVerification() throws Exception {
        HttpResponse<String> response = post("/app/api/cb/raw", "application/json", "{\"bucket\":\"b\"}", Map.of());
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("{\"bucket\":\"b\"}", json(response).get("raw").asText());
    }

    @Test
    void unannotatedMethodIsNotFiltered() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/app/api/cb/open"))
                .header("content-type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("hi")).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("open:hi", response.body());
    }

    @Test
    void rejectsMissingSignature() throws Exception {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("authorization", null);
        assertRejected(post("/app/api/cb/typed", FORM, "bucket=b", overrides), 400, "missing_header");
    }

    @Test
    void rejectsMalformedKeyUrlHeader() throws Exception {
        assertRejected(post("/app/api/cb/typed", FORM, "bucket=b", Map.of("x-oss-pub-key-url", "***")),
                400, "malformed_header");
    }

    @Test
    void rejectsTamperedSignature() throws Exception {
        String other = signer.sign("/app/api/cb/typed", null, "bucket=c".getBytes(StandardCharsets.UTF_8));
        assertRejected(post("/app/api/cb/typed", FORM, "bucket=b", Map.of("authorization", other)), 403, "signature_mismatch");
    }

    @Test
    void rejectsPathNotSignedByOss() throws Exception {
        String signedForTyped = signer.sign("/app/api/cb/typed", null, "bucket=b".getBytes(StandardCharsets.UTF_8));
        assertRejected(post("/app/api/cb/form", FORM, "bucket=b", Map.of("authorization", signedForTyped)),
                403, "signature_mismatch");
    }

    @Test
    void rejectsUntrustedKeyUrl() throws Exception {
        assertRejected(post("/app/api/cb/typed", FORM, "bucket=b",
                Map.of("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl("http://127.0.0.1:1/oss/key.pem"))),
                403, "untrusted_key_url");
        assertEquals(List.of(), keyServer.requests());
    }

    @Test
    void answers503WhenKeyIsUnavailable() throws Exception {
        assertRejected(post("/app/api/cb/typed", FORM, "bucket=b",
                Map.of("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyServer.url("/oss/none.pem")))),
                503, "key_unavailable");
    }

    @Test
    void rejectsOversizedBody() throws Exception {
        assertRejected(post("/app/api/cb/typed", FORM, "bucket=" + "b".repeat(2000), Map.of()), 413, "body_too_large");
    }

    @Test
    void deliversMalformedSignedBodyWithNoFieldsByDefault() throws Exception {
        HttpResponse<String> response = post("/app/api/cb/typed", "application/json", "{\"bucket\"", Map.of());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(json(response).get("bucket").isNull());
        assertEquals(1, RESOURCE_CALLS.get());
    }

    @Test
    void rejectsMalformedBodyInStrictMode() throws Exception {
        startJersey(new ResourceConfig(CallbackResource.class)
                .property("oss.callback.keyUrlPrefixes", keyServer.baseUrl() + "/oss/")
                .property("oss.callback.strictBodyParsing", "true")
                .register(OssCallbackFeature.class));
        assertRejected(post("/app/api/cb/typed", "application/json", "{\"bucket\"", Map.of()), 400, "malformed_body");
    }

    @Test
    void mapsBindingFailureInResourceToMalformedBody() throws Exception {
        HttpResponse<String> response = post("/app/api/cb/bind", FORM, "count=many", Map.of());
        assertEquals(400, response.statusCode(), response.body());
        assertEquals("malformed_body", json(response).get("reason").asText());
    }

    @Test
    void configuresFromApplicationProperties() throws Exception {
        startJersey(new ResourceConfig(CallbackResource.class)
                .property("oss.callback.keyUrlPrefixes", keyServer.baseUrl() + "/oss/")
                .property("oss.callback.maxBodyBytes", "16")
                .property("oss.callback.signedPathPrefix", "/edge")
                .register(OssCallbackFeature.class));
        byte[] body = "bucket=b".getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/app/api/cb/typed"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signer.headers(keyUrl, "/edge/app/api/cb/typed", null, FORM, body).forEach(request::header);
        assertEquals(200, http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        RESOURCE_CALLS.set(0);
        assertRejected(post("/app/api/cb/typed", FORM, "bucket=" + "b".repeat(20), Map.of()), 413, "body_too_large");
        assertTrue(keyServer.requestCount("/oss/key.pem") >= 1);
    }

    @Test
    void answersGetWith405NamingPostAsAllowed() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/app/api/cb/typed")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertRejected(response, 405, "method_not_allowed");
        assertEquals(List.of("POST"), response.headers().allValues("allow"));
        assertEquals(List.of(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length)),
                response.headers().allValues("content-length"));
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    }

    @Test
    void logsEachRejectionOnceInTheSharedFormat() throws Exception {
        String other = signer.sign("/app/api/cb/typed", null, "bucket=c".getBytes(StandardCharsets.UTF_8));
        List<LogRecord> logged = LogCapture.recordsOf(OssCallbackFeature.class, () ->
                post("/app/api/cb/typed", FORM, "bucket=b&secret=s3cr3t", Map.of("authorization", other)));
        assertEquals(1, logged.size(), logged.toString());
        String line = LogCapture.message(logged.get(0));
        assertTrue(line.startsWith("OSS callback rejected by OssCallbackFeature: signature_mismatch (403), POST from 127.0.0.1: "),
                line);
        assertFalse(line.contains(other) || line.contains("s3cr3t") || line.contains("\n"), line);
    }

    /** As the servlet filter does: OSS would answer the uploader 203, which only the application can fix. */
    @Test
    void aReplyOssWouldRefuseIsLoggedOnceAsAnErrorAndPassedOnUnchanged() throws Exception {
        HttpResponse<String>[] response = new HttpResponse[1];
        List<LogRecord> logged = LogCapture.recordsOf(OssCallbackFeature.class, () ->
                response[0] = post("/app/api/cb/text", FORM, "bucket=b&object=o.png", Map.of()));
        assertEquals(200, response[0].statusCode());
        assertEquals("stored o.png", response[0].body());
        List<String> errors = logged.stream().filter(r -> r.getLevel() == Level.SEVERE).map(LogCapture::message)
                .collect(Collectors.toList());
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("OssCallbackFeature: the application's reply has Content-Type 'text/plain"),
                errors.get(0));
        assertTrue(errors.get(0).contains("OSS will answer the uploader 203 CallbackFailed"), errors.get(0));
        assertFalse(errors.get(0).contains("o.png"), "the reply is never quoted: " + errors.get(0));

        List<LogRecord> empty = LogCapture.recordsOf(OssCallbackFeature.class, () ->
                response[0] = post("/app/api/cb/empty", FORM, "bucket=b", Map.of()));
        assertEquals(204, response[0].statusCode());
        assertEquals(1, empty.size(), empty.toString());
        assertTrue(LogCapture.message(empty.get(0)).contains("reply is empty"), LogCapture.message(empty.get(0)));
    }

    @Test
    void aJsonReplyAndTheFiltersOwnRejectionsAreNotLogged() throws Exception {
        HttpResponse<String>[] response = new HttpResponse[1];
        List<LogRecord> logged = LogCapture.recordsOf(OssCallbackFeature.class, () ->
                response[0] = post("/app/api/cb/json-string", FORM, "bucket=b", Map.of()));
        assertEquals(200, response[0].statusCode());
        assertEquals("{\"stored\":true}", response[0].body());
        assertEquals(List.of(), logged);
        List<LogRecord> rejected = LogCapture.recordsOf(OssCallbackFeature.class, () ->
                post("/app/api/cb/text", FORM, "bucket=b", Map.of("authorization", "OSS x")));
        assertEquals(1, rejected.size(), rejected.toString());
        assertEquals(Level.INFO, rejected.get(0).getLevel(), "only the rejection line");
    }

    /** Jersey on Jetty: the servlet request underneath shows the header cache setting, read at the first request. */
    @Test
    void warnsAtTheFirstRequestOnlyWhenJettysHeaderCacheIgnoresCase() throws Exception {
        List<LogRecord> on = LogCapture.recordsOf(OssCallbackFeature.class, () -> post("/app/api/cb/typed", FORM, "bucket=b", Map.of()));
        assertEquals(List.of(), on);

        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build()).build();
        startJersey(new ResourceConfig(CallbackResource.class).register(new OssCallbackFeature(verifier)), false);
        List<LogRecord> off = LogCapture.recordsOf(OssCallbackFeature.class, () -> {
            assertEquals(200, post("/app/api/cb/typed", FORM, "bucket=b", Map.of()).statusCode());
            return post("/app/api/cb/typed", FORM, "bucket=b", Map.of());
        });
        assertEquals(List.of(Level.WARNING), off.stream().map(LogRecord::getLevel).collect(Collectors.toList()));
        assertTrue(LogCapture.message(off.get(0)).contains("setHeaderCacheCaseSensitive(true)"), LogCapture.message(off.get(0)));
    }

    /** A misspelt property would leave its defence off without a word; Jersey refuses to start instead. */
    @Test
    void anUnknownOssCallbackPropertyFailsWithTheNearestSetting() {
        Map<String, String> expected = Map.of(
                "oss.callback.replay-window-seconds", "(did you mean oss.callback.replayWindowSeconds?)",
                "oss.callback.replayWindow", "(did you mean oss.callback.replayWindowSeconds?)",
                "oss.callback.maxBodyByte", "(did you mean oss.callback.maxBodyBytes?)");
        for (Map.Entry<String, String> unknown : expected.entrySet()) {
            ResourceConfig config = new ResourceConfig(CallbackResource.class)
                    .property("oss.callback.keyUrlPrefixes", "http://127.0.0.1:1/oss/")
                    .property(unknown.getKey(), "600")
                    .register(OssCallbackFeature.class);
            String message = misconfiguration(config).getMessage();
            assertTrue(message.startsWith("OssCallbackFeature (application properties) is misconfigured"), message);
            assertTrue(message.contains("unknown setting '" + unknown.getKey() + "' " + unknown.getValue()), message);
        }
    }

    @Test
    void propertiesBesideAVerifierPassedInFailInsteadOfBeingIgnored() {
        CallbackVerifier verifier = CallbackVerifier.builder().build();
        try {
            ResourceConfig config = new ResourceConfig(CallbackResource.class)
                    .property("oss.callback.replayWindowSeconds", "600")
                    .register(new OssCallbackFeature(verifier));
            String message = misconfiguration(config).getMessage();
            assertTrue(message.contains("OssCallbackFeature was given a verifier and application properties"
                    + " [oss.callback.replayWindowSeconds], which would not apply to it"), message);
        } finally {
            verifier.close();
        }
    }

    /** Only the oss.callback. namespace is the feature's: the application's other properties are left alone. */
    @Test
    void propertiesOutsideTheNamespaceAreTheApplications() throws Exception {
        startJersey(new ResourceConfig(CallbackResource.class)
                .property("oss.callback.keyUrlPrefixes", keyServer.baseUrl() + "/oss/")
                .property("maxBodyBytes", "1")
                .property("ossCallback.replayWindow", "600")
                .register(OssCallbackFeature.class));
        assertEquals(200, post("/app/api/cb/typed", FORM, "bucket=b", Map.of()).statusCode());
    }

    private static IllegalStateException misconfiguration(ResourceConfig config) {
        Throwable thrown = assertThrows(RuntimeException.class, () -> new ApplicationHandler(config));
        while (!(thrown instanceof IllegalStateException) && thrown.getCause() != null) {
            thrown = thrown.getCause();
        }
        assertTrue(thrown instanceof IllegalStateException, String.valueOf(thrown));
        return (IllegalStateException) thrown;
    }

    @Test
    void misconfigurationNamesTheFeatureAndTheSettingButNotTheSecret() {
        String secret = "c2VjcmV0LXRoYXQtaXMtbm90LWxvbmc=";
        for (Map.Entry<String, String> bad : Map.of(
                "oss.callback.maxBodyBytes", "many",
                "oss.callback.uploadTokenKeys", secret).entrySet()) {
            ResourceConfig config = new ResourceConfig(CallbackResource.class)
                    .property("oss.callback.keyUrlPrefixes", "http://127.0.0.1:1/oss/")
                    .property(bad.getKey(), bad.getValue())
                    .register(OssCallbackFeature.class);
            Throwable thrown = assertThrows(RuntimeException.class, () -> new ApplicationHandler(config));
            while (!(thrown instanceof IllegalStateException) && thrown.getCause() != null) {
                thrown = thrown.getCause();
            }
            String message = thrown.getMessage();
            assertTrue(thrown instanceof IllegalStateException, String.valueOf(thrown));
            String setting = bad.getKey().substring("oss.callback.".length());
            assertTrue(message.startsWith("OssCallbackFeature (application properties) is misconfigured"), message);
            assertTrue(message.contains(setting), message);
            assertFalse(message.contains(secret) || message.contains(secret.substring(0, 8)), message);
        }
    }


}
