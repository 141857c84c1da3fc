package io.github.osscallback.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code diagnose} on callbacks OSS really signed ({@code core/src/test/resources/vectors}), as they
 * are and broken each of the ways proxies and frameworks break them.
 */
class DiagnoseProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A captured request, written back as raw HTTP with whatever changes a test makes. */
    static final class Capture {
        String method = "POST";
        String path;
        String query;
        String body;
        String authorization;
        String keyUrlHeader;
        String contentType;
        Long contentLength;
        boolean lf;

        static Capture of(String vector) throws Exception {
            JsonNode v = JSON.readTree(Cli.vectors().resolve(vector + ".json").toFile());
            Capture c = new Capture();
            c.path = v.get("path").asText();
            c.query = v.get("query").isNull() ? null : v.get("query").asText();
            c.body = v.get("body").asText();
            c.authorization = v.get("authorization").asText();
            c.keyUrlHeader = v.get("x_oss_pub_key_url").asText();
            c.contentType = v.get("content_type").asText();
            return c;
        }

        byte[] raw() {
            byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
            String eol = lf ? "\n" : "\r\n";
            StringBuilder head = new StringBuilder(method + " " + path + (query == null ? "" : "?" + query) + " HTTP/1.1" + eol);
            head.append("Host: callbacks.example.com").append(eol);
            if (authorization != null) {
                head.append("authorization: ").append(authorization).append(eol);
            }
            if (keyUrlHeader != null) {
                head.append("x-oss-pub-key-url: ").append(keyUrlHeader).append(eol);
            }
            head.append("Content-Type: ").append(contentType).append(eol);
            head.append("Content-Length: ").append(contentLength != null ? contentLength : bodyBytes.length).append(eol);
            head.append(eol);
            byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] out = new byte[h.length + bodyBytes.length];
            System.arraycopy(h, 0, out, 0, h.length);
            System.arraycopy(bodyBytes, 0, out, h.length, bodyBytes.length);
            return out;
        }
    }

    private JsonNode diagnose(Capture capture, int expectedExit, String... options) throws Exception {
        Path file = Files.createTempFile(dir, "request", ".http");
        Files.write(file, capture.raw());
        List<String> args = new ArrayList<>(List.of("diagnose", "--json", "--request", file.toString()));
        args.addAll(List.of(options));
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertEquals(expectedExit, result.exit, result.toString());
        JsonNode out = JSON.readTree(result.out);
        assertEquals(expectedExit == 0, out.get("verified").asBoolean(), out.toString());
        for (JsonNode cause : out.get("causes")) {
            assertTrue(cause.get("code").isTextual() && cause.get("message").isTextual() && cause.get("fix").isTextual(),
                    out.toString());
        }
        return out;
    }

    private static String firstCause(JsonNode out) {
        return out.at("/causes/0/code").asText();
    }

    static Stream<String> vectors() {
        return Stream.of("oss-doc-sample", "oss-captured-json", "oss-captured-form");
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void realSamplesVerifyAsCapturedWithCrlfOrLf(String vector) throws Exception {
        Capture capture = Capture.of(vector);
        assertEquals(0, diagnose(capture, 0).get("causes").size());
        capture.lf = true;
        diagnose(capture, 0);
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void aPrefixAddedByAContextPathIsFound(String vector) throws Exception {
        Capture capture = Capture.of(vector);
        capture.path = "/app/v2" + capture.path;
        assertEquals("path_prefix_added", firstCause(diagnose(capture, 1)));
    }

    @Test
    void aPrefixStrippedByAProxyIsFoundWithTheCallbackUrl() throws Exception {
        Capture capture = Capture.of("oss-captured-json");
        String original = capture.path;
        capture.path = original.substring("/api/v3".length());
        JsonNode out = diagnose(capture, 1, "--callback-url", "https://callbacks.example.com" + original);
        assertEquals("path_prefix_stripped", firstCause(out));
        assertTrue(out.at("/causes/0/fix").asText().contains("signedPathPrefix(\"/api/v3\")"), out.toString());
    }

    @Test
    void aDroppedQueryIsFoundWithTheCallbackUrl() throws Exception {
        Capture capture = Capture.of("oss-doc-sample");
        capture.query = null;
        assertEquals("query_dropped", firstCause(diagnose(capture, 1,
                "--callback-url", "http://callbacks.example.com/index.php?id=1&index=2")));
    }

    @Test
    void aReencodedQueryIsFound() throws Exception {
        Capture capture = Capture.of("oss-doc-sample");
        capture.query = "id=1&index=%32";
        assertEquals("query_reencoded", firstCause(diagnose(capture, 1)));
    }

    @Test
    void aPathDecodedOnTheWayIsFound() throws Exception {
        Capture capture = Capture.of("oss-captured-form");
        capture.path = capture.path + "/";
        assertEquals("path_decoded_differently", firstCause(diagnose(capture, 1)));
    }

    @Test
    void aReformattedJsonBodyIsFound() throws Exception {
        Capture capture = Capture.of("oss-captured-json");
        capture.body = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(capture.body));
        JsonNode out = diagnose(capture, 1);
        assertEquals("body_reserialized", firstCause(out));
    }

    @Test
    void aReencodedFormBodyIsFound() throws Exception {
        Capture capture = Capture.of("oss-captured-form");
        assertTrue(capture.body.contains("%2F"), capture.body);
        // A framework that decoded the form and wrote it again with '/' left as it is.
        capture.body = capture.body.replace("%2F", "/");
        assertEquals("body_reserialized", firstCause(diagnose(capture, 1)));
    }

    @Test
    void anEmptyBodyIsFound() throws Exception {
        Capture capture = Capture.of("oss-captured-json");
        capture.body = "";
        assertEquals("body_empty", firstCause(diagnose(capture, 1)));
    }

    @Test
    void aTruncatedBodyIsFound() throws Exception {
        Capture capture = Capture.of("oss-captured-json");
        capture.contentLength = (long) capture.body.length();
        capture.body = capture.body.substring(0, 40);
        assertEquals("body_truncated", firstCause(diagnose(capture, 1)));
    }

    @Test
    void aGetIsFoundThoughItsSignatureMatches() throws Exception {
        Capture capture = Capture.of("oss-doc-sample");
        capture.method = "GET";
        JsonNode out = diagnose(capture, 1);
        assertEquals("method_not_post", firstCause(out));
        assertEquals(1, out.get("causes").size(), out.toString());
    }

    @Test
    void anUntrustedKeyUrlIsFoundAndTrustingItsPrefixVerifies() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        Capture capture = Capture.of("oss-doc-sample");
        capture.authorization = signer.sign(capture.path, capture.query, capture.body.getBytes(StandardCharsets.UTF_8));
        capture.keyUrlHeader = OssCallbackSigner.encodeKeyUrl("https://keys.example.com/k.pem");
        Path key = dir.resolve("k.pem");
        Files.writeString(key, signer.publicKeyPem());
        assertEquals("key_url_untrusted", firstCause(diagnose(capture, 1, "--key", key.toString())));
        diagnose(capture, 0, "--key", key.toString(), "--key-url-prefix", "https://keys.example.com/");
    }

    @Test
    void anOwnKeyUrlWithoutItsKeyIsBadInput() throws Exception {
        Capture capture = Capture.of("oss-doc-sample");
        capture.keyUrlHeader = OssCallbackSigner.encodeKeyUrl("https://keys.example.com/k.pem");
        Path file = dir.resolve("r.http");
        Files.write(file, capture.raw());
        Cli.Result result = Cli.run("diagnose", "--request", file.toString(), "--key-url-prefix", "https://keys.example.com/");
        assertEquals(2, result.exit, result.toString());
        assertTrue(result.err.contains("--key FILE"), result.err);
    }

    @Test
    void aMissingOrMangledSignatureHeaderIsFound() throws Exception {
        Capture capture = Capture.of("oss-captured-form");
        capture.authorization = null;
        assertEquals("header_malformed", firstCause(diagnose(capture, 1)));
        capture.authorization = "not*base64";
        assertEquals("header_malformed", firstCause(diagnose(capture, 1)));
    }

    @Test
    void aChangedBodyValueIsAPlainSignatureMismatch() throws Exception {
        Capture capture = Capture.of("oss-doc-sample");
        capture.body = "bucket=examplebucket";
        JsonNode out = diagnose(capture, 1);
        assertEquals("signature_mismatch", firstCause(out));
        assertFalse(out.toString().contains("examplebucket"), "no body value in the output: " + out);
    }

    @Test
    void textOutputNamesTheCauseAndTheFix() throws Exception {
        Capture capture = Capture.of("oss-captured-json");
        capture.path = "/ctx" + capture.path;
        Path file = dir.resolve("r.http");
        Files.write(file, capture.raw());
        Cli.Result result = Cli.run("diagnose", "--request", file.toString());
        assertEquals(1, result.exit, result.toString());
        assertTrue(result.out.startsWith("NOT verified: "), result.out);
        assertTrue(result.out.contains("  path_prefix_added: ") && result.out.contains("    fix: "), result.out);
    }

    @Test
    void aHandWrittenFileWithoutContentLengthEndingInANewlineStillVerifies() throws Exception {
        JsonNode v = JSON.readTree(Cli.vectors().resolve("oss-doc-sample.json").toFile());
        Path file = dir.resolve("hand.http");
        Files.writeString(file, "POST /index.php?id=1&index=2 HTTP/1.1\nauthorization: " + v.get("authorization").asText()
                + "\nx-oss-pub-key-url: " + v.get("x_oss_pub_key_url").asText() + "\n\nbucket=yonghu-test\n");
        Cli.Result result = Cli.run("diagnose", "--request", file.toString());
        assertEquals(0, result.exit, result.toString());
    }

    @Test
    void aFileThatIsNoHttpRequestIsBadInput() throws Exception {
        Path file = dir.resolve("r.http");
        Files.writeString(file, "{\"not\": \"a request\"}\n");
        Cli.Result result = Cli.run("diagnose", "--request", file.toString());
        assertEquals(2, result.exit, result.toString());
        assertTrue(result.err.contains("not a request line"), result.err);
        assertEquals(2, Cli.run("diagnose", "--request", dir.resolve("missing").toString()).exit);
    }
}
