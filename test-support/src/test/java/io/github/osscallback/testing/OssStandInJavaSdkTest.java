package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.HttpMethod;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.Callback;
import com.aliyun.oss.model.CompleteMultipartUploadRequest;
import com.aliyun.oss.model.CompleteMultipartUploadResult;
import com.aliyun.oss.model.GeneratePresignedUrlRequest;
import com.aliyun.oss.model.InitiateMultipartUploadRequest;
import com.aliyun.oss.model.PartETag;
import com.aliyun.oss.model.PutObjectRequest;
import com.aliyun.oss.model.PutObjectResult;
import com.aliyun.oss.model.UploadPartRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.upload.CallbackParameters;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Alibaba's Java SDK (aliyun-sdk-oss) as a real client of the stand-in, uploading with callbacks
 * to a real verifying endpoint (core's verifier on the JDK HTTP server): what the SDK reports is
 * what it reports against OSS, 200 with the endpoint's JSON, or an {@code OSSException} with
 * error code {@code CallbackFailed}.
 */
class OssStandInJavaSdkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUCKET = "photos";
    private static final String AK = "test-access-key-id";
    private static final String SK = "test-access-key-secret";
    /**
     * Far above OSS's 5 s, so a loaded build machine cannot fail a callback that should succeed;
     * the timeout itself is tested with an endpoint that never answers in time.
     */
    static final Duration NO_TIMEOUT_BY_LOAD = Duration.ofSeconds(60);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private <T extends AutoCloseable> T closing(T resource) {
        resources.add(0, resource);
        return resource;
    }

    private OssStandIn standIn(Duration callbackTimeout) throws IOException {
        return closing(OssStandIn.builder().buckets(BUCKET).accessKey(AK, SK).callbackTimeout(callbackTimeout).start());
    }

    /** The application under test: trusts the stand-in's key URL only, and fetches the key from it. */
    private VerifyingCallbackServer endpointTrusting(String keyUrl) throws IOException {
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyUrl).build())
                .build();
        return closing(new VerifyingCallbackServer(verifier));
    }

    private OSS client(OssStandIn oss, String secret) {
        return client(oss, secret, SignVersion.V1);
    }

    private OSS client(OssStandIn oss, String secret, SignVersion version) {
        ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
        configuration.setMaxErrorRetry(0);
        configuration.setSignatureVersion(version);
        OSS client = OSSClientBuilder.create()
                .endpoint(oss.endpoint().toString())
                .region("cn-hangzhou")
                .credentialsProvider(new DefaultCredentialProvider(AK, secret))
                .clientConfiguration(configuration)
                .build();
        resources.add(0, client::shutdown);
        return client;
    }

    private static Callback callback(String url) {
        Callback callback = new Callback();
        callback.setCallbackUrl(url);
        callback.setCallbackBody("bucket=${bucket}&object=${object}&size=${size}&x:uid=${x:uid}");
        callback.setCalbackBodyType(Callback.CalbackBodyType.URL);
        callback.addCallbackVar("x:uid", "42");
        return callback;
    }

    private static JsonNode json(InputStream in) throws IOException {
        try (in) {
            return JSON.readTree(in);
        }
    }

    private static byte[] bytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return data;
    }

    @Test
    void putObjectWithCallbackReturnsTheEndpointsJsonToTheSdk() throws Exception {
        OssStandIn oss = standIn(NO_TIMEOUT_BY_LOAD);
        VerifyingCallbackServer app = endpointTrusting(oss.keyUrl());
        byte[] content = bytes(2048);
        PutObjectRequest put = new PutObjectRequest(BUCKET, "users/42/avatar.bin", new ByteArrayInputStream(content));
        put.setCallback(callback(app.url(VerifyingCallbackServer.CALLBACK)));

        PutObjectResult result = client(oss, SK).putObject(put);

        assertEquals(200, result.getResponse().getStatusCode());
        JsonNode reply = json(result.getResponse().getContent());
        assertEquals("OK", reply.get("status").asText());
        assertEquals(BUCKET, reply.get("bucket").asText());
        assertEquals("users/42/avatar.bin", reply.get("object").asText());
        assertEquals(2048, reply.get("size").asLong());
        assertEquals("42", reply.get("uid").asText());
        assertEquals(1, app.verified().size());
        assertArrayEquals(content, oss.object(BUCKET, "users/42/avatar.bin").orElseThrow().content());
        assertEquals(List.of("/_standin/callback_pub_key_v1.pem"), oss.requests().stream()
                .filter(r -> r.startsWith("GET /_standin")).map(r -> r.substring(4)).toList());
    }

    @Test
    void completeMultipartUploadWithCallbackReturnsTheEndpointsJsonToTheSdk() throws Exception {
        OssStandIn oss = standIn(NO_TIMEOUT_BY_LOAD);
        VerifyingCallbackServer app = endpointTrusting(oss.keyUrl());
        OSS client = client(oss, SK);
        String key = "videos/clip.mp4";
        byte[] content = bytes(OssStandIn.MIN_PART_SIZE * 2 + 1000);
        String uploadId = client.initiateMultipartUpload(new InitiateMultipartUploadRequest(BUCKET, key)).getUploadId();
        List<PartETag> parts = new ArrayList<>();
        for (int offset = 0, number = 1; offset < content.length; offset += OssStandIn.MIN_PART_SIZE, number++) {
            int size = Math.min(OssStandIn.MIN_PART_SIZE, content.length - offset);
            UploadPartRequest part = new UploadPartRequest(BUCKET, key, uploadId, number,
                    new ByteArrayInputStream(content, offset, size), size);
            parts.add(client.uploadPart(part).getPartETag());
        }
        CompleteMultipartUploadRequest complete = new CompleteMultipartUploadRequest(BUCKET, key, uploadId, parts);
        complete.setCallback(callback(app.url(VerifyingCallbackServer.CALLBACK)));

        CompleteMultipartUploadResult result = client.completeMultipartUpload(complete);

        assertEquals(200, result.getResponse().getStatusCode());
        JsonNode reply = json(result.getResponse().getContent());
        assertEquals(key, reply.get("object").asText());
        assertEquals(content.length, reply.get("size").asLong());
        StoredObject stored = oss.object(BUCKET, key).orElseThrow();
        assertArrayEquals(content, stored.content());
        assertTrue(stored.etag().endsWith("-3"), stored.etag());
        assertEquals("CompleteMultipartUpload", oss.callbacks().get(0).operation());
    }

    @Test
    void aCallbackSignedWithAnotherKeyIsRefusedAndTheSdkGetsCallbackFailed() throws Exception {
        OssStandIn oss = standIn(NO_TIMEOUT_BY_LOAD);
        // The application pins a key of its own for the stand-in's URL: the stand-in's signature is a forgery to it.
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(oss.keyUrl()).build())
                .pinKey(oss.keyUrl(), OssCallbackSigner.generate().publicKeyPem())
                .build();
        VerifyingCallbackServer app = closing(new VerifyingCallbackServer(verifier));
        PutObjectRequest put = new PutObjectRequest(BUCKET, "forged.txt", new ByteArrayInputStream(bytes(10)));
        put.setCallback(callback(app.url(VerifyingCallbackServer.CALLBACK)));

        OSSException failed = assertThrows(OSSException.class, () -> client(oss, SK).putObject(put));

        assertEquals("CallbackFailed", failed.getErrorCode());
        assertEquals("Error status : 403.", failed.getErrorMessage());
        assertEquals(List.of(CallbackRejectedException.Reason.SIGNATURE_MISMATCH), app.rejected());
        assertTrue(oss.object(BUCKET, "forged.txt").isPresent(), "OSS keeps the object when the callback fails");
    }

    @Test
    void aReplyThatIsNotJsonFailsTheCallback() throws Exception {
        OssStandIn oss = standIn(NO_TIMEOUT_BY_LOAD);
        VerifyingCallbackServer app = endpointTrusting(oss.keyUrl());
        PutObjectRequest put = new PutObjectRequest(BUCKET, "a.txt", new ByteArrayInputStream(bytes(10)));
        put.setCallback(callback(app.url(VerifyingCallbackServer.NOT_JSON)));

        OSSException failed = assertThrows(OSSException.class, () -> client(oss, SK).putObject(put));

        assertEquals("CallbackFailed", failed.getErrorCode());
        assertEquals("Response body is not valid json format.", failed.getErrorMessage());
        assertEquals(200, oss.callbacks().get(0).status());
    }

    @Test
    void aReplyLaterThanTheTimeoutFailsTheCallback() throws Exception {
        // The endpoint answers only when released, after the SDK call: the timeout must fire whatever the machine's speed.
        OssStandIn oss = standIn(Duration.ofMillis(200));
        VerifyingCallbackServer app = endpointTrusting(oss.keyUrl());
        PutObjectRequest put = new PutObjectRequest(BUCKET, "slow.txt", new ByteArrayInputStream(bytes(10)));
        put.setCallback(callback(app.url(VerifyingCallbackServer.HANGING)));

        OSSException failed = assertThrows(OSSException.class, () -> client(oss, SK).putObject(put));
        app.release();

        assertEquals("CallbackFailed", failed.getErrorCode());
        assertEquals("Cost too long time.", failed.getErrorMessage());
    }

    @Test
    void theNextCallbackUrlIsTriedWhenTheFirstCannotBeReached() throws Exception {
        OssStandIn oss = standIn(NO_TIMEOUT_BY_LOAD);
        VerifyingCallbackServer app = endpointTrusting(oss.keyUrl());
        String closedPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = "http://127.0.0.1:" + probe.getLocalPort() + "/gone";
        }
        PutObjectRequest put = new PutObjectRequest(BUCKET, "b.txt", new ByteArrayInputStream(bytes(10)));
        put.setCallback(callback(closedPort + ";" + app.url(VerifyingCallbackServer.CALLBACK)));

        PutObjectResult result = client(oss, SK).putObject(put);

        assertEquals("b.txt", json(result.getResponse().getContent()).get("object").asText());
        List<CallbackAttempt> attempts = oss.callbacks();
        assertEquals(2, attempts.size());
        assertFalse(attempts.get(0).succeeded());
        assertEquals(-1, attempts.get(0).status());
        assertTrue(attempts.get(1).succeeded());
    }

    @ParameterizedTest
    @EnumSource(value = SignVersion.class, names = {"V1", "V4"})
    void requestsSignedWithV1AndV4AreAccepted(SignVersion version) throws Exception {
        OssStandIn oss = standIn(NO_TIMEOUT_BY_LOAD);
        VerifyingCallbackServer app = endpointTrusting(oss.keyUrl());
        OSS client = client(oss, SK, version);
        String key = "signed/" + version + "/a b+c~.txt";
        PutObjectRequest put = new PutObjectRequest(BUCKET, key, new ByteArrayInputStream(bytes(10)));
        put.setCallback(callback(app.url(VerifyingCallbackServer.CALLBACK)));

        PutObjectResult result = client.putObject(put);
        String uploadId = client.initiateMultipartUpload(new InitiateMultipartUploadRequest(BUCKET, "mp")).getUploadId();
        client.uploadPart(new UploadPartRequest(BUCKET, "mp", uploadId, 1, new ByteArrayInputStream(bytes(5)), 5));

        assertEquals(key, json(result.getResponse().getContent()).get("object").asText());
    }

    @ParameterizedTest
    @EnumSource(value = SignVersion.class, names = {"V1", "V4"})
    void aRequestSignedWithTheWrongSecretIsRefusedAsOssRefusesIt(SignVersion version) throws Exception {
        OssStandIn oss = standIn(NO_TIMEOUT_BY_LOAD);
        PutObjectRequest put = new PutObjectRequest(BUCKET, "c.txt", new ByteArrayInputStream(bytes(10)));

        OSSException refused = assertThrows(OSSException.class,
                () -> client(oss, "not-the-secret", version).putObject(put));

        assertEquals("SignatureDoesNotMatch", refused.getErrorCode());
        assertTrue(oss.objects().isEmpty());
        assertTrue(oss.callbacks().isEmpty());
    }

    @Test
    void aPresignedPutCarriesItsCallbackInTheQueryAndExpiresByTheStandInsClock() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-11-25T12:00:00Z"));
        OssStandIn oss = closing(OssStandIn.builder().buckets(BUCKET).accessKey(AK, SK).clock(clock)
                .callbackTimeout(NO_TIMEOUT_BY_LOAD).start());
        VerifyingCallbackServer app = endpointTrusting(oss.keyUrl());
        CallbackParameters callback = CallbackParameters.builder()
                .callbackUrl(app.url(VerifyingCallbackServer.CALLBACK))
                .callbackBody("bucket=${bucket}&object=${object}&size=${size}&x:uid=${x:uid}")
                .customVariable("x:uid", "9")
                .build();
        GeneratePresignedUrlRequest presign = new GeneratePresignedUrlRequest(BUCKET, "browser/up.txt", HttpMethod.PUT);
        presign.setExpiration(Date.from(clock.instant().plus(Duration.ofMinutes(10))));
        presign.setContentType("text/plain");
        presign.addQueryParameter("callback", callback.callbackHeader());
        presign.addQueryParameter("callback-var", callback.callbackVarHeader().orElseThrow());
        URI url = client(oss, SK).generatePresignedUrl(presign).toURI();
        HttpRequest upload = HttpRequest.newBuilder(url).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("from a browser")).build();

        HttpResponse<String> first = HttpClient.newHttpClient().send(upload, HttpResponse.BodyHandlers.ofString());
        clock.advance(Duration.ofMinutes(11));
        HttpResponse<String> late = HttpClient.newHttpClient().send(upload, HttpResponse.BodyHandlers.ofString());

        assertEquals(200, first.statusCode(), first.body());
        assertEquals("9", JSON.readTree(first.body()).get("uid").asText());
        assertEquals(403, late.statusCode());
        assertTrue(late.body().contains("Request has expired."), late.body());
        assertEquals(1, oss.callbacks().size());
    }

    @Test
    void uploadsWithoutCallbackAreStoredAndReadBack() throws Exception {
        OssStandIn oss = standIn(NO_TIMEOUT_BY_LOAD);
        OSS client = client(oss, SK);
        byte[] content = bytes(300);

        client.putObject(BUCKET, "plain.bin", new ByteArrayInputStream(content));

        try (InputStream in = client.getObject(BUCKET, "plain.bin").getObjectContent()) {
            assertArrayEquals(content, in.readAllBytes());
        }
        assertTrue(oss.callbacks().isEmpty());
    }
}
