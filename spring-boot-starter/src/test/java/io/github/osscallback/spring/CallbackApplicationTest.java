package io.github.osscallback.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.fixtures.ReadingViews;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The starter in a real application on a real server (Tomcat or Jetty, Boot 4.0 or 3.5 by the
 * module that runs these sources), over real HTTP: what OSS sends, what an attacker sends, and
 * the Spring styles an application naturally writes.
 */
@SpringBootTest(classes = CallbackTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CallbackApplicationTest {

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        TestKeys.register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    CallbackTestApplication.Handled handled;
    @Autowired
    ApplicationContext context;

    @BeforeEach
    void forget() {
        handled.calls.set(0);
        handled.last.set(null);
    }

    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, String> signed(String path, String contentType, byte[] body) {
        return TestKeys.signed(path, contentType, body);
    }

    Http.Response post(String path, Map<String, String> headers, byte[] body) throws Exception {
        return Http.post(port, path, headers, body);
    }

    static void assertExactLength(Http.Response response) {
        assertNull(response.header("transfer-encoding"), "OSS needs a Content-Length, not chunks");
        assertEquals(String.valueOf(response.body().length), response.header("content-length"));
    }

    @Test
    void runsOnTheExpectedBootLineAndServer() throws Exception {
        String boot = System.getProperty("expected.spring-boot.version");
        if (boot != null) {
            assertEquals(boot, SpringBootVersion.getVersion());
        }
        String server = System.getProperty("expected.server", "tomcat");
        Object webServer = context.getClass().getMethod("getWebServer").invoke(context);
        assertTrue(webServer.getClass().getName().toLowerCase().contains(server), webServer.getClass().getName());
        // The server version the Boot line brings, not one the root pom manages for other modules.
        String version = System.getProperty("expected." + server + ".version");
        if (version != null) {
            String running = server.equals("tomcat")
                    ? (String) Class.forName("org.apache.catalina.util.ServerInfo").getMethod("getServerNumber").invoke(null)
                    : (String) Class.forName("org.eclipse.jetty.util.Jetty").getField("VERSION").get(null);
            assertTrue(running.startsWith(version), running + " is not " + version);
        }
    }

    @Test
    void genuineFormCallbackReachesAControllerTakingOssCallbackAfterAnEarlierFilterReadItsParameters() throws Exception {
        byte[] body = bytes("bucket=photos&object=a%2Fb.jpg&size=42");
        Http.Response response = post("/oss/callback/reply", signed("/oss/callback/reply", FORM, body), body);
        assertEquals(200, response.status(), response.text());
        assertEquals("{\"object\":\"a/b.jpg\"}", response.text());
        assertExactLength(response);
        assertEquals("application/json", response.header("content-type"));
        OssCallback callback = (OssCallback) handled.last.get();
        assertEquals("photos", callback.bucket().orElseThrow());
        // The early filter read all three form parameters, and the callback still verified.
        assertEquals(3, handled.parametersSeenEarly.get());
        assertEquals(42, callback.size().orElseThrow());
    }

    @Test
    void genuineJsonCallbackBindsARecordOfTheApplication() throws Exception {
        byte[] body = bytes("{\"bucket\":\"photos\",\"object\":\"c.png\",\"size\":\"7\"}");
        Http.Response response = post("/oss/callback/record", signed("/oss/callback/record", JSON, body), body);
        assertEquals(200, response.status(), response.text());
        assertEquals(new CallbackTestApplication.Upload("photos", "c.png", 7), handled.last.get());
        assertExactLength(response);
    }

    @Test
    void genuineFormCallbackBindsARecordOfTheApplication() throws Exception {
        byte[] body = bytes("bucket=photos&object=d.png&size=9");
        Http.Response response = post("/oss/callback/record", signed("/oss/callback/record", FORM, body), body);
        assertEquals(200, response.status(), response.text());
        assertEquals(new CallbackTestApplication.Upload("photos", "d.png", 9), handled.last.get());
    }

    @Test
    void aSignedBodyThatDoesNotFitTheRecordIsRefusedAsMalformed() throws Exception {
        byte[] body = bytes("{\"bucket\":\"photos\",\"object\":\"c.png\",\"size\":\"1.5\"}");
        Http.Response response = post("/oss/callback/record", signed("/oss/callback/record", JSON, body), body);
        assertEquals(400, response.status(), response.text());
        assertTrue(response.text().contains("malformed_body"), response.text());
        assertExactLength(response);
        assertEquals(0, handled.calls.get());
    }

    @Test
    void aRejectionTheHandlerThrowsIsAnsweredAsTheFiltersAre() throws Exception {
        byte[] body = bytes("bucket=photos&object=elsewhere%2Fh.jpg");
        Http.Response refused = post("/oss/callback/uploads-only", signed("/oss/callback/uploads-only", FORM, body), body);
        assertEquals(403, refused.status(), refused.text());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"upload_token_mismatch\"}", refused.text());
        assertExactLength(refused);
        byte[] fine = bytes("bucket=photos&object=uploads%2Fh.jpg");
        assertEquals(200, post("/oss/callback/uploads-only", signed("/oss/callback/uploads-only", FORM, fine), fine).status());
    }

    @Test
    void aControllerReturningAMapAnswersWithAnExactContentLength() throws Exception {
        byte[] body = bytes("bucket=photos&object=e.jpg");
        Http.Response response = post("/oss/callback/map", signed("/oss/callback/map", FORM, body), body);
        assertEquals(200, response.status(), response.text());
        assertTrue(response.text().contains("\"object\":\"e.jpg\""), response.text());
        assertTrue(response.text().contains("\u4e0a\u4f20\u6210\u529f"), response.text());
        assertExactLength(response);
    }

    @Test
    void forgedCallbacksNeverReachAController() throws Exception {
        byte[] body = bytes("bucket=photos&object=f.jpg");
        OssCallbackSigner attacker = OssCallbackSigner.generate();
        // Signed with another key, named by the trusted key URL.
        Map<String, String> forged = new LinkedHashMap<>(signed("/oss/callback/reply", FORM, body));
        forged.put("authorization", attacker.sign("/oss/callback/reply", null, body));
        Http.Response mismatch = post("/oss/callback/reply", forged, body);
        assertEquals(403, mismatch.status());
        assertTrue(mismatch.text().contains("signature_mismatch"), mismatch.text());
        assertExactLength(mismatch);
        // Signed with the attacker's key at the attacker's URL.
        Http.Response untrusted = post("/oss/callback/reply",
                attacker.headers("http://127.0.0.1:1/evil.pem", "/oss/callback/reply", null, FORM, body), body);
        assertEquals(403, untrusted.status());
        assertTrue(untrusted.text().contains("untrusted_key_url"), untrusted.text());
        // A genuine body moved to another handler's path.
        Http.Response moved = post("/oss/callback/map", signed("/oss/callback/reply", FORM, body), body);
        assertEquals(403, moved.status());
        // No headers at all.
        assertEquals(400, post("/oss/callback/reply", Map.of("Content-Type", FORM), body).status());
        assertEquals(0, handled.calls.get());
    }

    @Test
    void oversizedCallbacksAreRefusedBeforeTheyAreVerified() throws Exception {
        byte[] body = bytes("bucket=photos&object=" + "x".repeat(5000));
        Http.Response response = post("/oss/callback/reply", signed("/oss/callback/reply", FORM, body), body);
        assertEquals(413, response.status());
        assertTrue(response.text().contains("body_too_large"), response.text());
        assertEquals(0, handled.calls.get());
    }

    /**
     * A handler asking for a verified callback on a path the filter does not cover is a
     * configuration error: it fails closed and never sees the request's data, however well it is
     * authenticated.
     */
    @Test
    void aHandlerOutsideTheCallbackPathsNeverSeesUnverifiedData() throws Exception {
        byte[] nothing = new byte[0];
        try (Http http = new Http(port)) {
            // Authenticated (Spring Security passes it), and with a key URL header, but unverified.
            Map<String, String> headers = new LinkedHashMap<>(signed("/unguarded/callback", null, nothing));
            headers.remove("authorization");
            headers.put("Authorization", basic("operator", "operator-password"));
            Http.Response response = http.send("GET", "/unguarded/callback", headers, nothing);
            assertEquals(500, response.status(), response.text());
            assertTrue(response.text().contains("callback_not_verified"), response.text());
        }
        assertEquals(0, handled.calls.get());
    }

    /** The Security recipe lets callbacks through and nothing else. */
    @Test
    void springSecurityStillGuardsEverythingButTheCallbackPaths() throws Exception {
        byte[] body = bytes("name=x");
        assertEquals(401, post("/account", Map.of("Content-Type", FORM), body).status());
        Map<String, String> authenticated = Map.of("Content-Type", FORM, "Authorization", basic("operator", "operator-password"));
        // Authenticated, but CSRF still applies outside the callback paths (refused as 401 or 403 by Security's version).
        int noCsrfToken = post("/account", authenticated, body).status();
        assertTrue(noCsrfToken == 401 || noCsrfToken == 403, "status " + noCsrfToken);
        // A genuine OSS signature does not open other paths.
        assertEquals(401, post("/account", signed("/account", FORM, body), body).status());
        assertEquals(0, handled.calls.get());
    }

    /**
     * Jetty's header cache, unless case-sensitive, hands a signature over in the case of an
     * earlier value on the same connection (even a single letter), and the genuine callback fails.
     * The starter configures Jetty so it cannot; Tomcat has no such cache (and closes the
     * connection after a 400, so the second request then comes on a new one).
     */
    @Test
    void anEarlierAuthorizationOnTheSameConnectionCannotBreakAGenuineCallback() throws Exception {
        assertEquals(List.of(400, 200), earlierValueThenGenuine(port, signature -> swapCase(signature.substring(0, 1))));
        assertEquals(List.of(403, 200), earlierValueThenGenuine(port, CallbackApplicationTest::swapCase));
    }

    /** Statuses of two requests on one connection: one whose authorization is derived from a genuine signature, then the genuine callback. */
    static List<Integer> earlierValueThenGenuine(int port, java.util.function.UnaryOperator<String> earlier) throws Exception {
        // A body whose signature starts with a letter, so that letter can be sent in the other case.
        byte[] body = null;
        Map<String, String> genuine = null;
        for (int i = 0; genuine == null || !Character.isLetter(genuine.get("authorization").charAt(0)); i++) {
            body = bytes("bucket=photos&object=g" + i);
            genuine = signed("/oss/callback/reply", FORM, body);
        }
        Map<String, String> first = new LinkedHashMap<>(genuine);
        first.put("authorization", earlier.apply(genuine.get("authorization")));
        List<Integer> statuses = new ArrayList<>();
        try (Http http = new Http(port)) {
            statuses.add(http.send("POST", "/oss/callback/reply", first, body).status());
            statuses.add(http.send("POST", "/oss/callback/reply", genuine, body).status());
        }
        return statuses;
    }

    static String swapCase(String s) {
        StringBuilder swapped = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            swapped.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return swapped.toString();
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString(bytes(user + ":" + password));
    }

    /**
     * The differential corpus against Spring MVC's views: {@code @RequestParam} (one value, a list,
     * the whole map) and a record bound with {@code @OssCallbackBody} give the verifier's reading
     * (query, then body) or nothing.
     */
    @Test
    void everyRequestParamAndBoundRecordGivesTheVerifiersReadingOrNothing() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> failures = new ArrayList<>();
        for (ReadingCase c : ReadingCase.corpus()) {
            for (String view : List.of("/oss/callback/views", "/oss/callback/views-record")) {
                String target = view + (c.query() == null ? "" : "?" + c.query());
                Http.Response response = post(target,
                        TestKeys.OSS.headers(TestKeys.KEYS.url("/oss/key.pem"), view, c.query(), FORM, c.body()), c.body());
                String failure = view.endsWith("record") ? recordProblem(json, c, response)
                        : response.text().contains("\"inconsistent\"") ? "views disagree: " + response.text()
                        : ReadingViews.problem(c, response.status(), response.text());
                if (failure != null) {
                    failures.add(c + " " + view + ": " + failure);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    /** A record is bound from the verifier's fields, or refused when it read none. */
    private static String recordProblem(com.fasterxml.jackson.databind.ObjectMapper json, ReadingCase c,
                                        Http.Response response) throws Exception {
        if (c.refusedBeforeAnyView(response.status(), response.text()) || c.refusal() != null) {
            return ReadingViews.problem(c, response.status(), response.text());
        }
        if (!c.readable()) {
            return response.status() == 400 && response.text().contains("\"malformed_body\"") ? null
                    : "a record bound from a body without fields must be refused, got " + response.status();
        }
        if (response.status() != 200) {
            return "expected 200, got " + response.status() + " " + response.text();
        }
        com.fasterxml.jackson.databind.JsonNode out = json.readTree(response.body());
        com.fasterxml.jackson.databind.JsonNode fields = out.get("fields");
        return java.util.Objects.equals(fields.path("bucket").asText(null), out.path("bucket").asText(null))
                && java.util.Objects.equals(fields.path("object").asText(null), out.path("object").asText(null))
                ? null : "the record " + out + " is not the verifier's fields " + fields;
    }
}
