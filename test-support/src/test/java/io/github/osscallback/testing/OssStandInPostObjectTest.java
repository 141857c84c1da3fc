package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCredentials;
import io.github.osscallback.upload.CallbackParameters;
import io.github.osscallback.upload.PostPolicy;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PostObject as a browser sends it: a form signed by core's {@link PostPolicy} (V4 and V1), posted
 * as {@code multipart/form-data} with the file last. The stand-in checks the signature, the expiry
 * against its clock and every condition, then stores the file and calls back as OSS does.
 */
class OssStandInPostObjectTest {

    private static final String BUCKET = "uploads";
    private static final OssCredentials CREDENTIALS = OssCredentials.of("post-ak", "post-sk");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-25T12:00:00Z"));
    private OssStandIn oss;
    private VerifyingCallbackServer app;

    @BeforeEach
    void start() throws Exception {
        oss = OssStandIn.builder().buckets(BUCKET).clock(clock).accessKey("post-ak", "post-sk")
                .callbackTimeout(OssStandInJavaSdkTest.NO_TIMEOUT_BY_LOAD).start();
        app = new VerifyingCallbackServer(CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(oss.keyUrl()).build())
                .pinKey(oss.keyUrl(), oss.publicKeyPem())
                .build());
    }

    @AfterEach
    void stop() {
        app.close();
        oss.close();
    }

    private PostPolicy.Builder policy(PostPolicy.SignatureVersion version) {
        return PostPolicy.builder()
                .credentials(CREDENTIALS)
                .bucket(BUCKET)
                .region("cn-hangzhou")
                .uploadUrl(oss.endpoint() + "/" + BUCKET)
                .keyPrefix("users/42/")
                .contentLengthRange(1, 1024)
                .signatureVersion(version)
                .clock(clock);
    }

    private CallbackParameters callback(String path) {
        return CallbackParameters.builder()
                .callbackUrl(app.url(path))
                .callbackBody("bucket=${bucket}&object=${object}&size=${size}&x:uid=${x:uid}")
                .customVariable("x:uid", "42")
                .build();
    }

    /** A callback whose body names ${x:role} as well as ${x:uid}, with the given role (or none). */
    private CallbackParameters.Builder roleCallback() {
        return CallbackParameters.builder()
                .callbackUrl(app.url(VerifyingCallbackServer.CALLBACK))
                .callbackBody("bucket=${bucket}&object=${object}&x:uid=${x:uid}&x:role=${x:role}")
                .customVariable("x:uid", "42");
    }

    /**
     * Posts the policy's fields, then the key and the file, as a browser form does; an override
     * replaces a field in place, adds one at the end, or (null) leaves the field out.
     */
    private HttpResponse<byte[]> post(PostPolicy policy, String key, byte[] file, Map<String, String> overrides)
            throws Exception {
        Map<String, String> fields = new LinkedHashMap<>(policy.fields());
        fields.putIfAbsent("key", key);
        fields.putAll(overrides);
        fields.values().removeIf(java.util.Objects::isNull);
        String boundary = "----standin" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(policy.uploadUrl()))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Origin", "http://127.0.0.1:1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @EnumSource(PostPolicy.SignatureVersion.class)
    void aSignedFormWithACallbackIsStoredAndAnsweredWithTheEndpointsJson(PostPolicy.SignatureVersion version)
            throws Exception {
        PostPolicy policy = policy(version).callback(callback(VerifyingCallbackServer.CALLBACK)).build();
        byte[] file = "hello from a browser".getBytes(StandardCharsets.UTF_8);

        HttpResponse<byte[]> response = post(policy, "users/42/a.txt", file, Map.of());

        assertEquals(200, response.statusCode(), text(response));
        JsonNode reply = new ObjectMapper().readTree(response.body());
        assertEquals("users/42/a.txt", reply.get("object").asText());
        assertEquals("42", reply.get("uid").asText());
        assertEquals(file.length, reply.get("size").asLong());
        StoredObject stored = oss.object(BUCKET, "users/42/a.txt").orElseThrow();
        assertArrayEquals(file, stored.content());
        assertEquals("PostObject", stored.operation());
        assertEquals("PostObject", oss.callbacks().get(0).operation());
        assertEquals("http://127.0.0.1:1", response.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
    }

    @Test
    void aFormWithoutCallbackGetsTheSuccessActionStatus() throws Exception {
        PostPolicy policy = policy(PostPolicy.SignatureVersion.V4).build();

        HttpResponse<byte[]> response = post(policy, "users/42/plain.txt", new byte[] {1, 2, 3}, Map.of());

        assertEquals(204, response.statusCode(), text(response));
        assertTrue(oss.object(BUCKET, "users/42/plain.txt").isPresent());
        assertTrue(oss.callbacks().isEmpty());
    }

    @Test
    void anExpiredPolicyIsRefused() throws Exception {
        PostPolicy policy = policy(PostPolicy.SignatureVersion.V4).expiresIn(Duration.ofMinutes(10)).build();
        clock.advance(Duration.ofMinutes(10));

        HttpResponse<byte[]> response = post(policy, "users/42/late.txt", new byte[] {1}, Map.of());

        assertEquals(403, response.statusCode());
        assertTrue(text(response).contains("<Code>AccessDenied</Code>"), text(response));
        assertTrue(text(response).contains("Policy expired"), text(response));
        assertTrue(oss.objects().isEmpty());
    }

    @Test
    void aKeyOutsideThePolicysPrefixIsRefused() throws Exception {
        PostPolicy policy = policy(PostPolicy.SignatureVersion.V4).build();

        HttpResponse<byte[]> response = post(policy, "users/43/theirs.txt", new byte[] {1}, Map.of());

        assertEquals(403, response.statusCode());
        assertTrue(text(response).contains("Policy Condition failed"), text(response));
        assertTrue(oss.objects().isEmpty());
    }

    @ParameterizedTest
    @EnumSource(PostPolicy.SignatureVersion.class)
    void aPolicyChangedAfterSigningIsRefused(PostPolicy.SignatureVersion version) throws Exception {
        PostPolicy policy = policy(version).build();
        PostPolicy wider = PostPolicy.builder().credentials(OssCredentials.of("post-ak", "another-secret"))
                .bucket(BUCKET).region("cn-hangzhou").uploadUrl(oss.endpoint() + "/" + BUCKET)
                .keyPrefix("users/").signatureVersion(version).clock(clock).build();
        // The wider policy, with the signature of the narrower one.
        Map<String, String> swapped = new LinkedHashMap<>();
        swapped.put("policy", wider.fields().get("policy"));

        HttpResponse<byte[]> response = post(policy, "users/43/x.txt", new byte[] {1}, swapped);

        assertEquals(403, response.statusCode());
        assertTrue(text(response).contains("<Code>SignatureDoesNotMatch</Code>"), text(response));
        assertTrue(oss.objects().isEmpty());
    }

    @Test
    void aFileLargerThanTheRangeIsRefused() throws Exception {
        PostPolicy policy = policy(PostPolicy.SignatureVersion.V4).build();

        HttpResponse<byte[]> response = post(policy, "users/42/big.bin", new byte[1025], Map.of());

        assertEquals(400, response.statusCode());
        assertTrue(text(response).contains("<Code>EntityTooLarge</Code>"), text(response));
        assertFalse(oss.object(BUCKET, "users/42/big.bin").isPresent());
    }

    /**
     * The attack of issue 20: a template naming ${x:role} with no value, and the browser adds
     * x:role=admin. Such a policy is not signed; bound, the variable cannot be changed.
     */
    @ParameterizedTest
    @EnumSource(PostPolicy.SignatureVersion.class)
    void aCustomVariableTheFormAddsOrChangesNeverReachesTheCallback(PostPolicy.SignatureVersion version)
            throws Exception {
        IllegalStateException unsigned = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> policy(version).callback(roleCallback().build()).build());
        assertTrue(unsigned.getMessage().contains("${x:role}"), unsigned.getMessage());
        PostPolicy policy = policy(version).callback(roleCallback().customVariable("x:role", "member").build())
                .build();

        HttpResponse<byte[]> changed = post(policy, "users/42/a.txt", new byte[] {1}, Map.of("x:role", "admin"));

        assertEquals(403, changed.statusCode(), text(changed));
        assertTrue(text(changed).contains("Policy Condition failed: [&quot;eq&quot;,&quot;$x:role&quot;,&quot;member&quot;]"),
                text(changed));
        assertTrue(oss.objects().isEmpty());
        assertTrue(oss.callbacks().isEmpty());
    }

    /** OSS names no callback-var form field for PostObject; one added by the form is refused all the same. */
    @Test
    void aFormThatAddsItsOwnCallbackVarIsRefused() throws Exception {
        PostPolicy policy = policy(PostPolicy.SignatureVersion.V4)
                .callback(roleCallback().customVariable("x:role", "member").build()).build();
        String admin = java.util.Base64.getEncoder().encodeToString(
                "{\"x:uid\":\"42\",\"x:role\":\"admin\"}".getBytes(StandardCharsets.UTF_8));

        HttpResponse<byte[]> response = post(policy, "users/42/a.txt", new byte[] {1}, Map.of("callback-var", admin));

        assertEquals(403, response.statusCode(), text(response));
        assertTrue(text(response).contains("$callback-var"), text(response));
        assertTrue(oss.objects().isEmpty());
        assertTrue(oss.callbacks().isEmpty());
    }

    /** A second spelling of a bound field is read as the policy check read it: the bound value. */
    @Test
    void aSecondSpellingOfABoundVariableCannotFillItIn() throws Exception {
        PostPolicy policy = policy(PostPolicy.SignatureVersion.V4)
                .callback(roleCallback().customVariable("x:role", "member").build()).build();

        HttpResponse<byte[]> response = post(policy, "users/42/a.txt", new byte[] {1}, Map.of("X:ROLE", "admin"));

        assertEquals(200, response.statusCode(), text(response));
        assertEquals("member", app.verified().get(0).customVariables().get("x:role"));
    }

    /** OSS fails a condition whose field the form lacks (0006-00000226), even one bound to "". */
    @Test
    void aFormWithoutAFieldThePolicyNamesIsRefused() throws Exception {
        PostPolicy policy = policy(PostPolicy.SignatureVersion.V4)
                .callback(roleCallback().customVariable("x:role", "").build()).build();
        Map<String, String> without = new java.util.HashMap<>();
        without.put("x:role", null);

        HttpResponse<byte[]> response = post(policy, "users/42/a.txt", new byte[] {1}, without);

        assertEquals(403, response.statusCode(), text(response));
        assertTrue(text(response).contains("Policy Condition failed: [&quot;eq&quot;,&quot;$x:role&quot;,&quot;&quot;]"),
                text(response));
        assertTrue(oss.objects().isEmpty());
    }

    @Test
    void aFailedCallbackIsRelayedAs203CallbackFailed() throws Exception {
        PostPolicy policy = policy(PostPolicy.SignatureVersion.V4).callback(callback(VerifyingCallbackServer.NOT_JSON))
                .build();

        HttpResponse<byte[]> response = post(policy, "users/42/b.txt", new byte[] {1}, Map.of());

        assertEquals(203, response.statusCode());
        assertTrue(text(response).contains("<Code>CallbackFailed</Code>"), text(response));
        assertTrue(text(response).contains("Response body is not valid json format."), text(response));
        assertTrue(oss.object(BUCKET, "users/42/b.txt").isPresent());
    }
}
