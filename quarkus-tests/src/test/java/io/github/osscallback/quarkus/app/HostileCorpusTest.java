package io.github.osscallback.quarkus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.OssCallback;
import io.github.osscallback.testing.OssCallbackSigner;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The hostile corpus of the examples' servlet and JAX-RS test, against the Quarkus extension over
 * real HTTP: each request gets its status and reason, none reaches user code or yields a 500; and
 * signed bodies that do not parse are delivered with a body problem and no ambiguous field.
 */
@QuarkusTest
@WithTestResource(KeyHost.class)
class HostileCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String VALID_BODY = "bucket=b&object=o.jpg&size=3";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URL root;

    private static String base;

    /** One hostile request, built for an endpoint path. */
    record Case(String name, int status, String reason, Request request) {
    }

    /** Builds the request for a callback path. */
    interface Request {
        HttpRequest build(String path);
    }

    private static String config(String name) {
        return ConfigProvider.getConfig().getValue(name, String.class);
    }

    private static String base() {
        return base;
    }

    private static OssCallbackSigner oss() {
        return OssCallbackSigner.fromPem(config(KeyHost.SIGNER));
    }

    private static OssCallbackSigner attacker() {
        return OssCallbackSigner.fromPem(config(KeyHost.ATTACKER_SIGNER));
    }

    private static String keyUrl() {
        return config(KeyHost.KEY_URL);
    }

    private static String trustedBase() {
        return config(KeyHost.TRUSTED_BASE);
    }

    private static String attackerBase() {
        return config(KeyHost.ATTACKER_BASE);
    }

    // --- request builders ---

    private static HttpRequest.Builder to(String path, String query) {
        return HttpRequest.newBuilder(URI.create(base() + path + (query == null ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(20));
    }

    /** A request with the given headers (null value: header left out) and body. */
    private static Request raw(String contentType, byte[] body, Map<String, List<String>> headers) {
        return path -> {
            HttpRequest.Builder b = to(path, null).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            b.header("content-type", contentType);
            headers.forEach((name, values) -> values.forEach(v -> b.header(name, v)));
            return b.build();
        };
    }

    private static Map<String, List<String>> headers(String authorization, String keyUrlHeader) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        if (authorization != null) {
            h.put("authorization", List.of(authorization));
        }
        if (keyUrlHeader != null) {
            h.put("x-oss-pub-key-url", List.of(keyUrlHeader));
        }
        return h;
    }

    /** Signed by OSS over exactly what is sent, with a given key URL. */
    private static Request signed(String contentType, byte[] body, String keyUrlToSend) {
        return path -> {
            HttpRequest.Builder request = to(path, null).POST(HttpRequest.BodyPublishers.ofByteArray(body));
            oss().headers(keyUrlToSend, path, null, contentType, body).forEach(request::header);
            return request.build();
        };
    }

    private static Request signedBody(String contentType, String body) {
        return signed(contentType, body.getBytes(StandardCharsets.UTF_8), keyUrl());
    }

    /** A fixed signature (any bytes) over a valid body, with the trusted key URL. */
    private static Request withSignature(byte[] signature) {
        return raw(FORM, VALID_BODY.getBytes(StandardCharsets.UTF_8),
                headers(Base64.getEncoder().encodeToString(signature), OssCallbackSigner.encodeKeyUrl(keyUrl())));
    }

    /** Signed by {@code signer} over {@code signedPath/Query/Body}, but sends {@code body}. */
    private static Request mismatch(OssCallbackSigner signer, String signedPathSuffix, String signedQuery,
                                    String signedBody, String sentQuery, String sentBody) {
        return path -> to(path, sentQuery)
                .header("content-type", FORM)
                .header("authorization", signer.sign(path + signedPathSuffix, signedQuery,
                        signedBody.getBytes(StandardCharsets.UTF_8)))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyUrl()))
                .POST(HttpRequest.BodyPublishers.ofString(sentBody)).build();
    }

    static List<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        Random random = new Random(20261124);
        byte[] body = VALID_BODY.getBytes(StandardCharsets.UTF_8);

        // Forged signatures.
        for (int length : new int[] {1, 2, 3, 8, 16, 32, 48, 60, 63, 64, 65, 96, 128, 256, 512}) {
            byte[] signature = new byte[length];
            random.nextBytes(signature);
            cases.add(new Case("random signature of " + length + " bytes", 403, "signature_mismatch", withSignature(signature)));
        }
        cases.add(new Case("all-zero signature", 403, "signature_mismatch", withSignature(new byte[64])));
        byte[] ones = new byte[64];
        java.util.Arrays.fill(ones, (byte) 0xff);
        cases.add(new Case("all-ones signature", 403, "signature_mismatch", withSignature(ones)));
        for (int bit : new int[] {0, 7, 8, 100, 200, 255, 256, 300, 400, 511}) {
            cases.add(new Case("genuine signature with bit " + bit + " flipped", 403, "signature_mismatch", path -> {
                byte[] signature = Base64.getDecoder().decode(oss().sign(path, null, body));
                signature[bit / 8] ^= (byte) (1 << (bit % 8));
                return withSignature(signature).build(path);
            }));
        }
        cases.add(new Case("signed by the attacker's key", 403, "signature_mismatch", mismatch(attacker(), "", null, VALID_BODY, null, VALID_BODY)));
        cases.add(new Case("signature for another body", 403, "signature_mismatch", mismatch(oss(), "", null, "bucket=other", null, VALID_BODY)));
        cases.add(new Case("signature for another path", 403, "signature_mismatch", mismatch(oss(), "x", null, VALID_BODY, null, VALID_BODY)));
        cases.add(new Case("signature for a query not sent", 403, "signature_mismatch", mismatch(oss(), "", "a=1", VALID_BODY, null, VALID_BODY)));
        cases.add(new Case("query added after signing", 403, "signature_mismatch", mismatch(oss(), "", null, VALID_BODY, "a=1", VALID_BODY)));
        cases.add(new Case("query changed after signing", 403, "signature_mismatch", mismatch(oss(), "", "a=1", VALID_BODY, "a=2", VALID_BODY)));
        cases.add(new Case("trailing newline added to body", 403, "signature_mismatch", mismatch(oss(), "", null, VALID_BODY, null, VALID_BODY + "\n")));
        cases.add(new Case("body truncated", 403, "signature_mismatch", mismatch(oss(), "", null, VALID_BODY, null, VALID_BODY.substring(0, 10))));
        cases.add(new Case("body emptied", 403, "signature_mismatch", mismatch(oss(), "", null, VALID_BODY, null, "")));
        cases.add(new Case("body case changed", 403, "signature_mismatch", mismatch(oss(), "", null, VALID_BODY, null, VALID_BODY.toUpperCase())));
        cases.add(new Case("field appended", 403, "signature_mismatch", mismatch(oss(), "", null, VALID_BODY, null, VALID_BODY + "&admin=1")));
        cases.add(new Case("path signed without leading slash", 403, "signature_mismatch", path -> to(path, null)
                .header("authorization", oss().sign(path.substring(1), null, body))
                .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyUrl()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build()));
        cases.add(new Case("trusted host serving another key", 403, "signature_mismatch",
                signed(FORM, body, trustedBase() + "/oss/other-key.pem")));

        // Key URLs from elsewhere: other hosts, SSRF targets, parser tricks. All refused before any fetch.
        String t = trustedBase();
        String a = attackerBase();
        int port = URI.create(t).getPort();
        int attackerPort = URI.create(a).getPort();
        List<String> hostile = List.of(
                a + "/key.pem", a + "/oss/key.pem", t + "/key.pem", t + "/oss2/key.pem", t + "/ossx.pem",
                t + "/oss/../key.pem", t + "/oss/./key.pem", t + "/oss/%2e%2e/key.pem", t + "/oss/%2E%2E%2Fkey.pem",
                t + "/oss//key.pem", t + "/oss\\key.pem", t + "/oss/key.pem?x=1", t + "/oss/key.pem#x",
                t + "/oss/key.pem;x=1", "http://user@127.0.0.1:" + port + "/oss/key.pem",
                "http://127.0.0.1:" + port + "@127.0.0.1:" + attackerPort + "/oss/key.pem",
                "http://localhost:" + port + "/oss/key.pem", "http://127.0.0.2:" + port + "/oss/key.pem",
                "http://[::1]:" + port + "/oss/key.pem", "http://2130706433:" + port + "/oss/key.pem",
                "http://0x7f000001:" + port + "/oss/key.pem", "http://127.1:" + port + "/oss/key.pem",
                "https://127.0.0.1:" + port + "/oss/key.pem", "http://127.0.0.1/oss/key.pem",
                "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "http://100.100.100.200/latest/meta-data/", "http://metadata.google.internal/computeMetadata/v1/",
                "file:///etc/passwd", "gopher://127.0.0.1:" + port + "/_GET", "dict://127.0.0.1:11211/stat",
                "ftp://127.0.0.1/oss/key.pem", "jar:http://127.0.0.1:" + port + "/oss/key.pem!/", "data:text/plain,key",
                "javascript:alert(1)", "//127.0.0.1:" + port + "/oss/key.pem", "/oss/key.pem", "oss/key.pem",
                "http://gosspublic.alicdn.com/callback_pub_key_v1.pem", "http://gosspublic.alicdn.com.evil.com/k.pem",
                "http://127.0.0.1:" + port + " /oss/key.pem", "http://127.0.0.1:" + port + "/oss/key.pem\r\nX-Evil: 1",
                "http://127.0.0.1:" + port + "/oss/k\u00e9y.pem", "http://127.0.0.1:" + port + "/oss/key.pem\u0000",
                "HTTP://127.0.0.1:" + attackerPort + "/oss/key.pem", "http://127.0.0.1:" + port + "%2f@127.0.0.1/oss/key.pem");
        for (String url : hostile) {
            cases.add(new Case("key URL " + url.replaceAll("[\\r\\n\\x00]", "?"), 403, "untrusted_key_url", signed(FORM, body, url)));
        }
        cases.add(new Case("key URL of 3000 characters", 400, "malformed_header",
                signed(FORM, body, t + "/oss/" + "a".repeat(3000))));
        cases.add(new Case("key URL of 2000 characters elsewhere", 403, "untrusted_key_url",
                signed(FORM, body, a + "/" + "a".repeat(1990))));

        // Trusted URLs whose fetch fails: never followed elsewhere, never a 500.
        cases.add(new Case("trusted URL redirecting to the attacker", 503, "key_unavailable", signed(FORM, body, t + "/oss/redirect.pem")));
        cases.add(new Case("trusted URL answering 404", 503, "key_unavailable", signed(FORM, body, t + "/oss/missing.pem")));
        cases.add(new Case("trusted URL serving garbage", 503, "invalid_key", signed(FORM, body, t + "/oss/garbage.pem")));

        // Headers: missing, repeated, empty, not base64, oversized.
        String goodKeyHeader = OssCallbackSigner.encodeKeyUrl(keyUrl());
        cases.add(new Case("no callback headers", 400, "missing_header", raw(FORM, body, Map.of())));
        cases.add(new Case("no authorization", 400, "missing_header", raw(FORM, body, headers(null, goodKeyHeader))));
        cases.add(new Case("no key URL", 400, "missing_header", path -> raw(FORM, body, headers(oss().sign(path, null, body), null)).build(path)));
        cases.add(new Case("two authorization headers", 400, "malformed_header", path -> raw(FORM, body,
                Map.of("authorization", List.of(oss().sign(path, null, body), oss().sign(path, null, body)),
                        "x-oss-pub-key-url", List.of(goodKeyHeader))).build(path)));
        cases.add(new Case("two key URL headers", 400, "malformed_header", path -> raw(FORM, body,
                Map.of("authorization", List.of(oss().sign(path, null, body)),
                        "x-oss-pub-key-url", List.of(goodKeyHeader, OssCallbackSigner.encodeKeyUrl(a + "/key.pem")))).build(path)));
        // Unpadded base64 ("abc") decodes, so it fails later, as a signature that does not match.
        cases.add(new Case("authorization unpadded base64", 403, "signature_mismatch", raw(FORM, body, headers("abc", goodKeyHeader))));
        cases.add(new Case("key URL header unpadded base64", 403, "untrusted_key_url",
                path -> raw(FORM, body, headers(oss().sign(path, null, body), "abc")).build(path)));
        for (String bad : List.of("!!!!", "a===", "====", "AAAA====", "%%%%", "AA AA", "\u00e9\u00e9\u00e9\u00e9",
                "YWJj-_w", "A".repeat(1100), "AAAA\tAAAA", "AAA=AAAA", "A", "<script>")) {
            cases.add(new Case("authorization '" + (bad.length() > 20 ? bad.substring(0, 20) + "..." : bad) + "'", 400,
                    "malformed_header", raw(FORM, body, headers(bad, goodKeyHeader))));
        }
        for (String bad : List.of("!!!!", "====", "aHR0cDovL2Jhc2U2NA=!", " ", "A", "aHR0cDovL2Jhc2U2NA==" + "=", "A".repeat(3000))) {
            cases.add(new Case("key URL header '" + (bad.length() > 20 ? bad.substring(0, 20) + "..." : bad) + "'", 400, "malformed_header",
                    path -> raw(FORM, body, headers(oss().sign(path, null, body), bad)).build(path)));
        }
        cases.add(new Case("empty authorization", 400, "malformed_header", raw(FORM, body, headers("", goodKeyHeader))));

        // Bodies: too large, or of a content type OSS never sends. Signed bodies that do not parse are
        // not refused: see signedBodiesThatDoNotParse.
        byte[] huge = ("bucket=" + "b".repeat(70_000)).getBytes(StandardCharsets.UTF_8);
        cases.add(new Case("body of 70 kB with Content-Length", 413, "body_too_large", signed(FORM, huge, keyUrl())));
        cases.add(new Case("body of 70 kB chunked", 413, "body_too_large", path -> to(path, null)
                .header("content-type", FORM)
                .header("authorization", oss().sign(path, null, huge))
                .header("x-oss-pub-key-url", goodKeyHeader)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge))).build()));
        cases.add(new Case("body of 1 MB", 413, "body_too_large", signed(FORM, new byte[1 << 20], keyUrl())));
        cases.add(new Case("text/plain body", 400, "unsupported_content_type", signedBody("text/plain", VALID_BODY)));
        cases.add(new Case("XML body", 400, "unsupported_content_type", signedBody("application/xml", "<bucket>b</bucket>")));
        cases.add(new Case("multipart body", 400, "unsupported_content_type", signedBody("multipart/form-data; boundary=x", "--x--")));

        // Methods.
        cases.add(new Case("GET", 405, "method_not_allowed", path -> to(path, null).GET().build()));
        cases.add(new Case("GET with genuine callback headers", 405, "method_not_allowed", path -> to(path, null)
                .header("authorization", oss().sign(path, null, new byte[0]))
                .header("x-oss-pub-key-url", goodKeyHeader).GET().build()));
        return cases;
    }

    /**
     * A signed body that does not parse: OSS signed it, so it is delivered (200) with a body problem,
     * and user code sees no field at all where a value would be ambiguous.
     */
    record Delivered(String name, Request request, Predicate<OssCallback> seenByUserCode) {
    }

    private static final Predicate<OssCallback> NO_FIELDS = cb -> cb.fields().isEmpty();

    static List<Delivered> signedBodiesThatDoNotParse() {
        List<Delivered> cases = new ArrayList<>();
        cases.add(new Delivered("Latin-1 form body",
                signed(FORM, "object=caf\u00e9".getBytes(StandardCharsets.ISO_8859_1), keyUrl()), NO_FIELDS));
        cases.add(new Delivered("percent-encoded non-UTF-8", signedBody(FORM, "object=%C3%28"), NO_FIELDS));
        // Decoders disagree on these (URLDecoder refuses '%G1', reads '%\uff12\uff25' as '.'), so no field is read.
        cases.add(new Delivered("broken percent escape", signedBody(FORM, "object=%G1"), NO_FIELDS));
        cases.add(new Delivered("truncated percent escape", signedBody(FORM, "object=%4"), NO_FIELDS));
        cases.add(new Delivered("fullwidth digits in a percent escape", signedBody(FORM, "object=a%\uff12\uff25b"),
                NO_FIELDS));
        cases.add(new Delivered("duplicate form field", signedBody(FORM, "bucket=a&bucket=b"), NO_FIELDS));
        cases.add(new Delivered("form body sent as JSON, read as the same fields", signedBody("application/json", VALID_BODY),
                cb -> cb.fields().equals(Map.of("bucket", "b", "object", "o.jpg", "size", "3"))));
        cases.add(new Delivered("JSON array", signedBody("application/json", "[1,2,3]"), NO_FIELDS));
        cases.add(new Delivered("JSON string", signedBody("application/json", "\"bucket\""), NO_FIELDS));
        cases.add(new Delivered("empty JSON body", signedBody("application/json", ""), NO_FIELDS));
        cases.add(new Delivered("truncated JSON", signedBody("application/json", "{\"bucket\":\"b\""), NO_FIELDS));
        cases.add(new Delivered("two JSON documents", signedBody("application/json", "{}{}"), NO_FIELDS));
        cases.add(new Delivered("duplicate JSON key", signedBody("application/json", "{\"bucket\":\"a\",\"bucket\":\"b\"}"),
                NO_FIELDS));
        cases.add(new Delivered("JSON nested 10000 deep",
                signedBody("application/json", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)), NO_FIELDS));
        cases.add(new Delivered("JSON array nested 5000 deep",
                signedBody("application/json", "{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}"), NO_FIELDS));
        cases.add(new Delivered("JSON number of 10000 digits",
                signedBody("application/json", "{\"size\":" + "9".repeat(10_000) + "}"), NO_FIELDS));
        cases.add(new Delivered("JSON float of 1000 digits",
                signedBody("application/json", "{\"x\":0." + "1".repeat(1_000) + "}"), NO_FIELDS));
        cases.add(new Delivered("JSON with invalid UTF-8",
                signed("application/json", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, keyUrl()),
                NO_FIELDS));
        cases.add(new Delivered("JSON with comments", signedBody("application/json", "{/*x*/\"a\":1}"), NO_FIELDS));
        cases.add(new Delivered("JSON with NaN", signedBody("application/json", "{\"size\":NaN}"), NO_FIELDS));
        Predicate<OssCallback> noTypedNumbers = cb -> cb.size().isEmpty() && cb.imageHeight().isEmpty();
        cases.add(new Delivered("size negative", signedBody(FORM, "size=-1"), noTypedNumbers));
        cases.add(new Delivered("size not a number", signedBody(FORM, "size=ten"), noTypedNumbers));
        cases.add(new Delivered("size overflowing", signedBody(FORM, "size=99999999999999999999"), noTypedNumbers));
        cases.add(new Delivered("size fractional in JSON", signedBody("application/json", "{\"size\":1.5}"), noTypedNumbers));
        cases.add(new Delivered("image height not a number", signedBody(FORM, "imageInfo.height=tall"), noTypedNumbers));
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> signedBodiesThatDoNotParseAreDeliveredWithAProblemAndNoAmbiguousField() {
        base = "http://127.0.0.1:" + root.getPort();
        List<Delivered> cases = signedBodiesThatDoNotParse();
        return IntStream.range(0, cases.size()).boxed().map(i -> {
            Delivered c = cases.get(i);
            return DynamicTest.dynamicTest(c.name(), () -> {
                HostileResource.REACHED.clear();
                HttpResponse<String> response = HTTP.send(c.request().build("/hostile/problem" + i),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), c.name() + ": " + response.body());
                assertEquals(1, HostileResource.REACHED.size(), c.name());
                OssCallback seen = HostileResource.REACHED.remove(0);
                assertTrue(seen.bodyProblem().isPresent(), c.name());
                assertTrue(c.seenByUserCode().test(seen), c.name() + ": user code saw " + seen.fields());
            });
        });
    }

    @Test
    void corpusHasAtLeast150HostileRequests() {
        base = "http://127.0.0.1:" + root.getPort();
        int size = corpus().size() + signedBodiesThatDoNotParse().size();
        assertTrue(size >= 150, "corpus has " + size);
    }

    @TestFactory
    Stream<DynamicTest> eachHostileRequestIsRejected() {
        base = "http://127.0.0.1:" + root.getPort();
        List<Case> corpus = corpus();
        return IntStream.range(0, corpus.size()).boxed().map(i -> {
            Case c = corpus.get(i);
            return DynamicTest.dynamicTest(c.name(), () -> {
                HostileResource.REACHED.clear();
                // The server may close a connection whose oversized body it refused to read; such
                // requests get a client of their own, so no other request meets that connection.
                HttpClient client = c.status() == 413
                        ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() : HTTP;
                HttpResponse<String> response;
                try {
                    response = client.send(c.request().build("/hostile/case" + i), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    if (c.status() != 413) {
                        throw e;
                    }
                    // Closing with the body unread can reset the connection before the client reads
                    // the 413: a transport race, not a verdict; user code must still not have run.
                    assertEquals(List.of(), HostileResource.REACHED, "a hostile request reached user code");
                    return;
                }
                String context = c.name() + ": " + response.body();
                assertEquals(c.status(), response.statusCode(), context);
                JsonNode json = JSON.readTree(response.body());
                assertEquals("REJECTED", json.path("status").asText(), context);
                assertEquals(c.reason(), json.path("reason").asText(), context);
                assertEquals(List.of(), HostileResource.REACHED, "a hostile request reached user code");
            });
        });
    }
}
