package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code serve --upload-url}: the page and the policies it hands out, and the options' refusals. */
class ServeUploadOptionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "serveUploadSecret0123456789abcdef";

    private static String run(ProcessBuilder command) throws Exception {
        Process process = command.redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, process.exitValue(), text);
        return text;
    }

    @Test
    void uploadOptionsWithoutAnUploadUrlAreRefused() throws Exception {
        String text = run(ServeProcess.main("serve", "--upload-bucket", "photos"));
        assertTrue(text.contains("--upload-bucket, --upload-region and --callback-base require --upload-url"), text);
    }

    @Test
    void anUploadUrlWithoutCredentialsInTheEnvironmentIsRefusedNamingTheVariables() throws Exception {
        ProcessBuilder command = ServeProcess.main("serve", "--port", "0", "--upload-url", "http://127.0.0.1:9/b");
        command.environment().keySet().removeIf(name -> name.startsWith("OSS_"));
        String text = run(command);
        assertTrue(text.contains("OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET"), text);
    }

    @Test
    void aBadBucketIsRefusedAtStartUp() throws Exception {
        ProcessBuilder command = ServeProcess.main("serve", "--port", "0", "--upload-url", "http://127.0.0.1:9/b",
                "--upload-bucket", "Not_A_Bucket");
        command.environment().put("OSS_ACCESS_KEY_ID", "LTAI5tServe");
        command.environment().put("OSS_ACCESS_KEY_SECRET", SECRET);
        String text = run(command);
        assertTrue(text.contains("bucket name must be 3 to 63 characters"), text);
    }

    @Test
    void servesThePageAndAPolicyPerRequestWithTheCallbackToItself() throws Exception {
        try (ServeProcess serve = ServeProcess.start(command -> {
            command.environment().put("OSS_ACCESS_KEY_ID", "LTAI5tServe");
            command.environment().put("OSS_ACCESS_KEY_SECRET", SECRET);
        }, "--upload-url", "http://127.0.0.1:9/demo-bucket")) {
            assertTrue(serve.startLines.stream().anyMatch(line -> line.equals("direct upload: " + serve.base()
                    + "/upload/ posts to http://127.0.0.1:9/demo-bucket")), serve.startLines.toString());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(serve.base() + "/upload/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("id=\"upload\""), page.body());

            JsonNode first = policy(http, serve);
            JsonNode second = policy(http, serve);
            assertEquals("http://127.0.0.1:9/demo-bucket", first.get("uploadUrl").asText());
            assertTrue(first.get("keyPrefix").asText().matches("uploads/[0-9a-f]{16}/"), first.toString());
            assertFalse(first.get("keyPrefix").equals(second.get("keyPrefix")), "each upload gets its own folder");
            JsonNode fields = first.get("fields");
            assertEquals("OSS4-HMAC-SHA256", fields.get("x-oss-signature-version").asText());
            assertTrue(fields.get("x-oss-credential").asText().startsWith("LTAI5tServe/"));
            assertFalse(first.toString().contains(SECRET));
            JsonNode callback = JSON.readTree(Base64.getDecoder().decode(fields.get("callback").asText()));
            assertEquals(serve.base() + "/upload/callback", callback.get("callbackUrl").asText());
            assertTrue(fields.get("x:upload_token").asText().startsWith("v2.demo."));
        }
    }

    @Test
    void aTokenCopiedFromTheUploadFormVouchesForNoSecondCallback() throws Exception {
        OssCallbackSigner oss = OssCallbackSigner.generate();
        try (LoopbackKeyServer keys = LoopbackKeyServer.start();
             ServeProcess serve = ServeProcess.start(command -> {
                 command.environment().put("OSS_ACCESS_KEY_ID", "LTAI5tServe");
                 command.environment().put("OSS_ACCESS_KEY_SECRET", SECRET);
             }, "--upload-url", "http://127.0.0.1:9/demo-bucket", "--allow-key-url-prefix", keys.baseUrl() + "/oss/")) {
            keys.serve("/oss/key.pem", oss.publicKeyPem());
            String keyUrl = keys.url("/oss/key.pem");
            HttpClient http = HttpClient.newHttpClient();
            JsonNode policy = PolicyCallback.policy(http, serve);
            String folder = policy.get("keyPrefix").asText();

            String genuine = PolicyCallback.body(policy, "demo-bucket", folder + "cat.jpg", "2048", "image/jpeg");
            HttpResponse<String> accepted = PolicyCallback.post(http, serve, oss, keyUrl, "/upload/callback", genuine);
            assertEquals(200, accepted.statusCode(), accepted.body());
            assertEquals(folder + "cat.jpg", JSON.readTree(accepted.body()).get("object").asText());

            // The copier's own template around the copied token: other objects, sizes and types, each
            // signed by OSS anew, and the genuine callback itself sent again.
            for (String copied : new String[] {
                PolicyCallback.body(policy, "demo-bucket", folder + "never-uploaded.exe", "1", "application/x-msdownload"),
                PolicyCallback.body(policy, "demo-bucket", folder + "cat.jpg", "999999999", "image/jpeg"),
                genuine}) {
                assertRejected(PolicyCallback.post(http, serve, oss, keyUrl, "/upload/callback", copied), 409,
                        "upload_token_used");
            }
            // Each policy carries its own token.
            JsonNode next = PolicyCallback.policy(http, serve);
            assertEquals(200, PolicyCallback.post(http, serve, oss, keyUrl, "/upload/callback", PolicyCallback.body(next,
                    "demo-bucket", next.get("keyPrefix").asText() + "dog.jpg", "10", "image/jpeg")).statusCode());
        }
    }

    private static void assertRejected(HttpResponse<String> response, int status, String reason) throws Exception {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals(reason, JSON.readTree(response.body()).get("reason").asText(), response.body());
    }

    private static JsonNode policy(HttpClient http, ServeProcess serve) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(serve.base() + "/upload/policy"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(""));
        assertEquals("no-store", response.headers().firstValue("cache-control").orElse(""));
        return JSON.readTree(response.body());
    }
}
