package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.model.Callback;
import com.aliyun.oss.model.ObjectMetadata;
import com.aliyun.oss.model.PutObjectRequest;
import com.aliyun.oss.model.PutObjectResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssStandIn;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code serve --confirm-bucket}: Jetty with both adapters, in its own process, asks the OSS
 * stand-in about every callback. A real upload through Alibaba's SDK is confirmed; a callback
 * signed with OSS's key (the stand-in's, here) for an object that was never uploaded is refused.
 */
class ServeConfirmProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AK = "LTAI5tServeConfirm";
    private static final String SK = "serveConfirmSecret0123456789abcd";
    private static final String FORM = "application/x-www-form-urlencoded";

    private final HttpClient http = HttpClient.newHttpClient();
    private final OssCallbackSigner ossKey = OssCallbackSigner.generate();
    private OssStandIn oss;
    private ServeProcess serve;
    private OSS client;

    @BeforeEach
    void start() throws Exception {
        // Generous timeouts: a loaded machine must not fail what should succeed; no test here is about time.
        oss = OssStandIn.builder().buckets("photos", "elsewhere").accessKey(AK, SK).signer(ossKey)
                .callbackTimeout(Duration.ofSeconds(60)).start();
        serve = ServeProcess.start(command -> {
            command.environment().put("OSS_ACCESS_KEY_ID", AK);
            command.environment().put("OSS_ACCESS_KEY_SECRET", SK);
            command.environment().remove("OSS_SESSION_TOKEN");
        }, "--allow-key-url-prefix", oss.keyUrl(), "--confirm-bucket", "photos", "--confirm-region", "cn-hangzhou",
                "--confirm-endpoint", oss.endpoint().toString(), "--confirm-timeout", "60000");
        ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
        configuration.setMaxErrorRetry(0);
        client = OSSClientBuilder.create().endpoint(oss.endpoint().toString()).region("cn-hangzhou")
                .credentialsProvider(new DefaultCredentialProvider(AK, SK)).clientConfiguration(configuration).build();
    }

    @AfterEach
    void stop() {
        client.shutdown();
        serve.close();
        oss.close();
    }

    private PutObjectResult upload(String key, String callbackPath) {
        Callback callback = new Callback();
        callback.setCallbackUrl(serve.base() + callbackPath);
        callback.setCallbackBody("bucket=${bucket}&object=${object}&size=${size}&etag=${etag}&mimeType=${mimeType}");
        callback.setCalbackBodyType(Callback.CalbackBodyType.URL);
        ObjectMetadata metadata = new ObjectMetadata();
        metadata.setContentType("image/png");
        PutObjectRequest put = new PutObjectRequest("photos", key,
                new ByteArrayInputStream("not really a png".getBytes(StandardCharsets.UTF_8)), metadata);
        put.setCallback(callback);
        return client.putObject(put);
    }

    /** A callback OSS's key signed, as a captured or forged one would be, posted to serve. */
    private HttpResponse<String> post(String path, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serve.base() + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        ossKey.headers(oss.keyUrl(), path, null, FORM, bytes).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String nextLine(String startingWith) throws InterruptedException {
        String line;
        do {
            line = serve.nextLine();
        } while (!line.startsWith(startingWith));
        return line;
    }

    @Test
    void saysAtStartUpThatItConfirmsAndNeverShowsTheSecret() {
        String line = serve.startLines.stream().filter(l -> l.startsWith("confirming callbacks with OSS: "))
                .findFirst().orElseThrow(() -> new AssertionError(serve.startLines.toString()));
        assertTrue(line.contains("buckets [photos]") && line.contains("OSS_ACCESS_KEY_ID"), line);
        assertFalse(String.join("\n", serve.startLines).contains(SK));
    }

    @Test
    void anUploadThroughOssIsConfirmedOnBothAdapters() throws Exception {
        for (String adapter : List.of("servlet", "jaxrs")) {
            PutObjectResult result = upload("users/42/" + adapter + ".png", "/" + adapter + "/done");
            JsonNode reply = JSON.readTree(result.getResponse().getContent());
            assertEquals(adapter, reply.get("endpoint").asText(), reply.toString());
            assertEquals("users/42/" + adapter + ".png", reply.get("object").asText());
            assertTrue(nextLine("POST /" + adapter).endsWith("-> 200 "));
        }
        assertEquals(2, oss.requests().stream().filter(r -> r.startsWith("HEAD /photos/users/42/")).count(),
                oss.requests().toString());
    }

    @Test
    void aSignedCallbackForAnObjectNeverUploadedIsRefused() throws Exception {
        for (String adapter : List.of("servlet", "jaxrs")) {
            HttpResponse<String> refused = post("/" + adapter + "/done",
                    "bucket=photos&object=users%2F42%2Fnever.png&size=16&mimeType=image%2Fpng");
            assertEquals(403, refused.statusCode(), refused.body());
            assertEquals("object_not_confirmed", JSON.readTree(refused.body()).get("reason").asText());
        }
        HttpResponse<String> otherBucket = post("/servlet/done", "bucket=elsewhere&object=a.png");
        assertEquals(403, otherBucket.statusCode());
        assertEquals("bucket_not_allowed", JSON.readTree(otherBucket.body()).get("reason").asText());
        assertEquals(2, oss.requests().stream().filter(r -> r.startsWith("HEAD ")).count(),
                "the other bucket was never asked about: " + oss.requests());
    }

    @Test
    void aCallbackWhileOssFailsIsRefusedWith503AndTheUploaderSeesCallbackFailed() throws Exception {
        oss.failObjectReads(503);
        HttpResponse<String> refused = post("/servlet/done", "bucket=photos&object=a.png");
        assertEquals(503, refused.statusCode());
        assertEquals("oss_unavailable", JSON.readTree(refused.body()).get("reason").asText());
    }

    @Test
    void confirmFlagsAreRefusedWithoutBucketsRegionOrCredentials() throws Exception {
        assertEquals(2, exitOf(ServeProcess.main("serve", "--confirm-region", "cn-hangzhou"),
                "--confirm-region, --confirm-endpoint and --confirm-timeout require --confirm-bucket"));
        assertEquals(2, exitOf(ServeProcess.main("serve", "--confirm-bucket", "photos"),
                "--confirm-bucket requires --confirm-region"));
        ProcessBuilder noCredentials = ServeProcess.main("serve", "--port", "0", "--confirm-bucket", "photos",
                "--confirm-region", "cn-hangzhou");
        noCredentials.environment().keySet().removeIf(name -> name.startsWith("OSS_"));
        assertEquals(2, exitOf(noCredentials, "OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET"));
        ProcessBuilder badEndpoint = ServeProcess.main("serve", "--port", "0", "--confirm-bucket", "photos",
                "--confirm-region", "cn-hangzhou", "--confirm-endpoint", "http://oss.example.test");
        badEndpoint.environment().put("OSS_ACCESS_KEY_ID", AK);
        badEndpoint.environment().put("OSS_ACCESS_KEY_SECRET", SK);
        assertEquals(2, exitOf(badEndpoint, "endpoint must be https"));
    }

    private static int exitOf(ProcessBuilder command, String expectedOutput) throws Exception {
        Process process = command.redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertTrue(text.contains(expectedOutput), text);
        assertFalse(text.contains(SK), text);
        return process.exitValue();
    }
}
