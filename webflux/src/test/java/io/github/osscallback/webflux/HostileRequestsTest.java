package io.github.osscallback.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile requests to the WebFlux filter, each with the status and reason it must get, over real
 * HTTP to Reactor Netty: none reaches a handler or yields a 500, and no key URL outside the
 * policy is ever fetched (the attacker's key host counts what reaches it). The categories of the
 * examples' hostile corpus (which runs against the servlet and JAX-RS adapters): forged and
 * tampered signatures, untrusted and failing key URLs, missing and malformed headers, sizes,
 * content types and methods.
 */
class HostileRequestsTest {

    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String PATH = "/oss/callback/reply";
    private static final byte[] BODY = "bucket=b&object=o.jpg&size=3".getBytes(StandardCharsets.UTF_8);
    private static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    private static final OssCallbackSigner ATTACKER = OssCallbackSigner.generate();

    private static LoopbackKeyServer trusted;
    private static LoopbackKeyServer attacker;
    private static CallbackVerifier verifier;
    private static FluxServer server;

    record Case(String name, int status, String reason, String target, Map<String, String> headers, byte[] body) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        trusted = LoopbackKeyServer.start();
        attacker = LoopbackKeyServer.start();
        trusted.serve("/oss/key.pem", OSS.publicKeyPem())
                .serve("/oss/other-key.pem", ATTACKER.publicKeyPem())
                .serve("/oss/garbage.pem", "-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n")
                .answer("/oss/redirect.pem", 302, "", Duration.ZERO, Map.of("Location", attacker.url("/key.pem")));
        attacker.serve("/key.pem", ATTACKER.publicKeyPem()).serve("/oss/key.pem", ATTACKER.publicKeyPem());
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(trusted.baseUrl() + "/oss/").build())
                .maxBodyBytes(4096)
                .build();
        server = FluxServer.start(verifier, 2, CallbackApp.class);
    }

    @AfterAll
    static void stop() {
        server.close();
        verifier.close();
        trusted.close();
        attacker.close();
        assertEquals(List.of(), attacker.requests(), "no untrusted key URL was fetched");
    }

    private static Map<String, String> signed(OssCallbackSigner signer, String keyUrl, String path, String query,
                                              String contentType, byte[] body) {
        return new LinkedHashMap<>(signer.headers(keyUrl, path, query, contentType, body));
    }

    static Stream<Case> corpus() {
        String key = trusted.url("/oss/key.pem");
        List<Case> cases = new ArrayList<>();
        cases.add(new Case("signed by the attacker's key", 403, "signature_mismatch", PATH,
                signed(ATTACKER, key, PATH, null, FORM, BODY), BODY));
        cases.add(new Case("signature for another body", 403, "signature_mismatch", PATH,
                signed(OSS, key, PATH, null, FORM, "bucket=other".getBytes(StandardCharsets.UTF_8)), BODY));
        cases.add(new Case("signature for another path", 403, "signature_mismatch", PATH,
                signed(OSS, key, "/oss/callback/other", null, FORM, BODY), BODY));
        cases.add(new Case("query added after signing", 403, "signature_mismatch", PATH + "?a=1",
                signed(OSS, key, PATH, null, FORM, BODY), BODY));
        cases.add(new Case("field appended", 403, "signature_mismatch", PATH,
                signed(OSS, key, PATH, null, FORM, BODY), "bucket=b&object=o.jpg&size=3&admin=1".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("trusted host serving another key", 403, "signature_mismatch", PATH,
                signed(OSS, trusted.url("/oss/other-key.pem"), PATH, null, FORM, BODY), BODY));
        for (String url : List.of(attacker.url("/oss/key.pem"), attacker.url("/key.pem"),
                trusted.baseUrl() + "/oss/../key.pem", trusted.baseUrl() + "@" + attacker.port() + "/oss/key.pem",
                "file:///etc/passwd")) {
            cases.add(new Case("key URL " + url, 403, "untrusted_key_url", PATH,
                    signed(ATTACKER, url, PATH, null, FORM, BODY), BODY));
        }
        cases.add(new Case("trusted URL redirecting to the attacker", 503, "key_unavailable", PATH,
                signed(ATTACKER, trusted.url("/oss/redirect.pem"), PATH, null, FORM, BODY), BODY));
        cases.add(new Case("trusted URL answering 404", 503, "key_unavailable", PATH,
                signed(OSS, trusted.url("/oss/missing.pem"), PATH, null, FORM, BODY), BODY));
        cases.add(new Case("trusted URL serving garbage", 503, "invalid_key", PATH,
                signed(OSS, trusted.url("/oss/garbage.pem"), PATH, null, FORM, BODY), BODY));
        cases.add(new Case("no callback headers", 400, "missing_header", PATH, Map.of("Content-Type", FORM), BODY));
        Map<String, String> noAuth = signed(OSS, key, PATH, null, FORM, BODY);
        noAuth.keySet().removeIf(h -> h.equalsIgnoreCase("authorization"));
        cases.add(new Case("no authorization", 400, "missing_header", PATH, noAuth, BODY));
        Map<String, String> emptyAuth = signed(OSS, key, PATH, null, FORM, BODY);
        emptyAuth.replaceAll((h, v) -> h.equalsIgnoreCase("authorization") ? "" : v);
        cases.add(new Case("empty authorization", 400, "malformed_header", PATH, emptyAuth, BODY));
        Map<String, String> badKeyHeader = signed(OSS, key, PATH, null, FORM, BODY);
        badKeyHeader.replaceAll((h, v) -> h.equalsIgnoreCase("x-oss-pub-key-url") ? "not*base64" : v);
        cases.add(new Case("key URL header not base64", 400, "malformed_header", PATH, badKeyHeader, BODY));
        Map<String, String> longKey = signed(OSS, key, PATH, null, FORM, BODY);
        longKey.replaceAll((h, v) -> h.equalsIgnoreCase("x-oss-pub-key-url")
                ? Base64.getEncoder().encodeToString(("https://" + "a".repeat(3000)).getBytes(StandardCharsets.UTF_8)) : v);
        cases.add(new Case("key URL of 3000 characters", 400, "malformed_header", PATH, longKey, BODY));
        byte[] huge = new byte[70_000];
        cases.add(new Case("body of 70 kB", 413, "body_too_large", PATH, signed(OSS, key, PATH, null, FORM, huge), huge));
        for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=x")) {
            cases.add(new Case(type + " body", 400, "unsupported_content_type", PATH,
                    signed(OSS, key, PATH, null, type, BODY), BODY));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithItsStatusAndReasonAndReachesNoHandler(Case c) throws IOException {
        CallbackApp.REACHED.clear();
        RawHttp.Response response;
        try {
            response = RawHttp.post(server.port(), c.target(), c.headers(), c.body());
        } catch (java.net.SocketException reset) {
            // A 413 sent before the body was read may be overtaken by the reset of the unread rest.
            assertEquals(413, c.status(), reset.toString());
            assertEquals(List.of(), CallbackApp.REACHED);
            return;
        }
        assertEquals(c.status(), response.status(), response.body());
        assertTrue(response.body().contains("\"" + c.reason() + "\""), response.body());
        assertEquals(Integer.toString(response.body().getBytes(StandardCharsets.UTF_8).length),
                response.header("content-length"));
        assertEquals(List.of(), CallbackApp.REACHED);
    }
}
