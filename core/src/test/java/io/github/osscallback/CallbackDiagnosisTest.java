package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link CallbackDiagnosis} on callbacks OSS really signed (vectors/), as captured and changed the
 * ways proxies and frameworks change them. The command line's DiagnoseProcessTest covers every
 * cause through the jar; this pins the library API.
 */
class CallbackDiagnosisTest {

    private static JsonNode vector(String name) {
        try (InputStream in = CallbackDiagnosisTest.class.getClassLoader().getResourceAsStream("vectors/" + name + ".json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static CallbackRequest.Builder request(JsonNode v, String method, String path, String query, String body) {
        return CallbackRequest.builder()
                .method(method)
                .path(path)
                .query(query)
                .header("authorization", v.get("authorization").asText())
                .header("x-oss-pub-key-url", v.get("x_oss_pub_key_url").asText())
                .header("content-type", v.get("content_type").asText())
                .body(body.getBytes(StandardCharsets.UTF_8));
    }

    private static final JsonNode DOC = vector("oss-doc-sample");
    private static final JsonNode JSON_CAPTURE = vector("oss-captured-json");

    @Test
    void aGenuineCallbackVerifiesWithNoCauses() {
        CallbackDiagnosis d = CallbackDiagnosis.builder(request(DOC, "POST", "/index.php", "id=1&index=2",
                "bucket=yonghu-test").build()).run();
        assertTrue(d.verified());
        assertEquals(List.of(), d.causes());
        assertEquals(1, d.candidatesTried());
    }

    @Test
    void aStrippedPrefixIsNamedWithTheCallbackUrlAndItsFixNamesTheSetting() {
        String path = JSON_CAPTURE.get("path").asText();
        CallbackDiagnosis d = CallbackDiagnosis.builder(request(JSON_CAPTURE, "POST", path.substring("/api".length()),
                        null, JSON_CAPTURE.get("body").asText()).build())
                .callbackUrl("https://example.com" + path)
                .run();
        assertFalse(d.verified());
        assertEquals(CallbackDiagnosis.Code.PATH_PREFIX_STRIPPED, d.causes().get(0).code());
        assertTrue(d.causes().get(0).fix().contains("signedPathPrefix(\"/api\")"), d.causes().get(0).fix());
    }

    @Test
    void theSignedPathPrefixSettingIsTakenIntoAccount() {
        String path = JSON_CAPTURE.get("path").asText();
        CallbackDiagnosis d = CallbackDiagnosis.builder(request(JSON_CAPTURE, "POST", path.substring("/api".length()),
                        null, JSON_CAPTURE.get("body").asText()).build())
                .signedPathPrefix("/api")
                .run();
        assertTrue(d.verified(), d.toString());
    }

    @Test
    void aReformattedJsonBodyIsNamedAndTheMessageHoldsNoBodyValue() throws Exception {
        String pretty = new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsString(new ObjectMapper().readTree(JSON_CAPTURE.get("body").asText()));
        CallbackDiagnosis d = CallbackDiagnosis.builder(request(JSON_CAPTURE, "POST", JSON_CAPTURE.get("path").asText(),
                null, pretty).build()).run();
        assertEquals(CallbackDiagnosis.Code.BODY_RESERIALIZED, d.causes().get(0).code());
        assertFalse(d.toString().contains("2f7b2ccf"), d.toString());
    }

    @Test
    void candidatesAreBounded() {
        CallbackDiagnosis d = CallbackDiagnosis.builder(request(DOC, "POST", "/a/b/c/d/e/f/g/h/i/j/index.php",
                "id=1&index=%32", "bucket=other").build()).run();
        assertEquals(CallbackDiagnosis.Code.SIGNATURE_MISMATCH, d.causes().get(0).code());
        assertTrue(d.candidatesTried() <= CallbackDiagnosis.MAX_CANDIDATES + 1, "tried " + d.candidatesTried());
    }

    @Test
    void anOwnKeyUrlNeedsItsKeyAndATrustedPrefix() {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        byte[] body = "a=1".getBytes(StandardCharsets.UTF_8);
        CallbackRequest request = signer.request("https://keys.example.com/k.pem", "/cb", null, null, body).build();
        assertThrows(IllegalStateException.class, () -> CallbackDiagnosis.builder(request).run());
        CallbackDiagnosis untrusted = CallbackDiagnosis.builder(request).publicKey(signer.publicKey()).run();
        assertEquals(List.of(CallbackDiagnosis.Code.KEY_URL_UNTRUSTED),
                untrusted.causes().stream().map(CallbackDiagnosis.Cause::code).collect(java.util.stream.Collectors.toList()));
        assertTrue(CallbackDiagnosis.builder(request).publicKey(signer.publicKey())
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.example.com/").build()).run().verified());
    }
}
