package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.oss.common.utils.CRC64;
import io.github.osscallback.BodyType;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.upload.CallbackParameters;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the stand-in does as OSS does, with plain HTTP requests: how it renders and addresses a
 * callback, how it judges the reply, and what it refuses before storing anything.
 */
class OssStandInTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private OssStandIn oss;
    private VerifyingCallbackServer app;

    @BeforeEach
    void start() throws Exception {
        oss = OssStandIn.builder().buckets("bucket-a").callbackTimeout(OssStandInJavaSdkTest.NO_TIMEOUT_BY_LOAD).start();
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

    private HttpResponse<String> put(String key, byte[] content, CallbackParameters callback) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(oss.endpoint() + "/bucket-a/" + key))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        if (callback != null) {
            request.header("x-oss-callback", callback.callbackHeader());
            callback.callbackVarHeader().ifPresent(v -> request.header("x-oss-callback-var", v));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private CallbackParameters.Builder callbackTo(String path) {
        return CallbackParameters.builder().callbackUrl(app.url(path))
                .callbackBody("bucket=${bucket}&object=${object}&size=${size}");
    }

    @Test
    void crc64IsTheOneTheJavaSdkComputes() {
        byte[] data = new byte[5000];
        new Random(7).nextBytes(data);
        CRC64 sdk = new CRC64();
        sdk.update(data, data.length);
        assertEquals(Long.toUnsignedString(sdk.getValue()), Crc64.decimal(data));
        assertEquals("0", Crc64.decimal(new byte[0]));
    }

    @Test
    void rendersAJsonBodyWithEverySystemVariableAndSendsTheCallbackHost() throws Exception {
        byte[] png = Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAEUlEQVR4nGP4z8DwH4YZkDkAnSoL9ZwgkC8AAAAASUVORK5CYII=");
        CallbackParameters callback = CallbackParameters.builder()
                .callbackUrl(app.url(VerifyingCallbackServer.CALLBACK))
                .callbackHost("app.example")
                .bodyType(BodyType.JSON)
                .callbackBody("{\"bucket\":${bucket},\"object\":${object},\"size\":${size},\"mime\":${mimeType},"
                        + "\"w\":${imageInfo.width},\"h\":${imageInfo.height},\"f\":${imageInfo.format},"
                        + "\"crc\":${crc64},\"md5\":${contentMd5},\"op\":${operation},\"ip\":${clientIp},"
                        + "\"etag\":${etag},\"req\":${reqId},\"uid\":${x:uid}}")
                .customVariable("x:uid", "u\"1")
                .build();

        HttpResponse<String> response = put("img/dot.png", png, callback);

        assertEquals(200, response.statusCode(), response.body());
        CallbackAttempt attempt = oss.callbacks().get(0);
        assertEquals("app.example", attempt.header("Host").orElseThrow());
        assertEquals("application/json", attempt.header("Content-Type").orElseThrow());
        OssCallback verified = app.verified().get(0);
        StoredObject stored = oss.object("bucket-a", "img/dot.png").orElseThrow();
        assertEquals("bucket-a", verified.field("bucket").orElseThrow());
        assertEquals("img/dot.png", verified.field("object").orElseThrow());
        assertEquals(String.valueOf(png.length), verified.field("size").orElseThrow());
        assertEquals("3", verified.field("w").orElseThrow());
        assertEquals("2", verified.field("h").orElseThrow());
        assertEquals("png", verified.field("f").orElseThrow());
        assertEquals(stored.crc64(), verified.field("crc").orElseThrow());
        assertEquals(stored.etag(), verified.field("etag").orElseThrow());
        assertEquals("PutObject", verified.field("op").orElseThrow());
        assertEquals("127.0.0.1", verified.field("ip").orElseThrow());
        assertEquals(response.headers().firstValue("x-oss-request-id").orElseThrow(), verified.field("req").orElseThrow());
        assertEquals("u\"1", verified.field("uid").orElseThrow());
        assertEquals(response.headers().firstValue("Content-MD5").orElseThrow(), verified.field("md5").orElseThrow());
    }

    static Stream<Arguments> failingReplies() {
        return Stream.of(
                Arguments.of(VerifyingCallbackServer.SERVER_ERROR, "Error status : 500."),
                Arguments.of(VerifyingCallbackServer.CHUNKED, CallbackSender.BAD_LENGTH),
                Arguments.of(VerifyingCallbackServer.TOO_LARGE, CallbackSender.BAD_LENGTH),
                Arguments.of(VerifyingCallbackServer.NOT_JSON, CallbackSender.NOT_JSON));
    }

    @ParameterizedTest
    @MethodSource("failingReplies")
    void aReplyOssWouldNotAcceptIsRelayedAs203CallbackFailed(String path, String message) throws Exception {
        HttpResponse<String> response = put("k", new byte[] {1}, callbackTo(path).build());

        assertEquals(203, response.statusCode());
        assertTrue(response.body().contains("<Code>CallbackFailed</Code>"), response.body());
        assertTrue(response.body().contains("<Message>" + message + "</Message>"), response.body());
        assertEquals(message, oss.callbacks().get(0).failure().orElseThrow());
        assertTrue(oss.object("bucket-a", "k").isPresent());
    }

    @Test
    void signsTheCallbackUrlsQueryAsTheVerifierReadsIt() throws Exception {
        HttpResponse<String> response = put("q.txt", new byte[] {1},
                callbackTo(VerifyingCallbackServer.CALLBACK + "?source=stand-in&n=1").build());

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("source=stand-in&n=1", app.verified().get(0).query().orElseThrow());
    }

    @Test
    void aPartUnderTheMinimumSizeBeforeTheLastIsEntityTooSmall() throws Exception {
        String base = oss.endpoint() + "/bucket-a/small";
        HttpResponse<String> initiated = HTTP.send(HttpRequest.newBuilder(URI.create(base + "?uploads"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String uploadId = initiated.body().replaceAll("(?s).*<UploadId>(.*)</UploadId>.*", "$1");
        StringBuilder complete = new StringBuilder("<CompleteMultipartUpload>");
        for (int part = 1; part <= 2; part++) {
            HttpResponse<String> uploaded = HTTP.send(HttpRequest.newBuilder(
                    URI.create(base + "?partNumber=" + part + "&uploadId=" + uploadId))
                    .PUT(HttpRequest.BodyPublishers.ofString("part " + part)).build(), HttpResponse.BodyHandlers.ofString());
            complete.append("<Part><PartNumber>").append(part).append("</PartNumber><ETag>")
                    .append(uploaded.headers().firstValue("ETag").orElseThrow()).append("</ETag></Part>");
        }
        complete.append("</CompleteMultipartUpload>");

        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "?uploadId=" + uploadId))
                .POST(HttpRequest.BodyPublishers.ofString(complete.toString())).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("<Code>EntityTooSmall</Code>"), response.body());
        assertTrue(oss.objects().isEmpty());
    }

    @Test
    void aCompleteMultipartUploadBodyWithADoctypeIsMalformedAndNothingIsExpanded() throws Exception {
        String base = oss.endpoint() + "/bucket-a/xml";
        HttpResponse<String> initiated = HTTP.send(HttpRequest.newBuilder(URI.create(base + "?uploads"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        String uploadId = initiated.body().replaceAll("(?s).*<UploadId>(.*)</UploadId>.*", "$1");
        String hostile = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"" + oss.keyUrl() + "\">]>"
                + "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&e;</ETag></Part></CompleteMultipartUpload>";

        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(base + "?uploadId=" + uploadId))
                .POST(HttpRequest.BodyPublishers.ofString(hostile)).build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("<Code>MalformedXML</Code>"), response.body());
        assertTrue(oss.requests().stream().noneMatch(r -> r.startsWith("GET /_standin")), oss.requests().toString());
    }

    @Test
    void neverCallsAnAddressOutsideLoopback() throws Exception {
        CallbackParameters callback = CallbackParameters.builder().callbackUrl("http://192.0.2.1/cb")
                .callbackBody("object=${object}").build();

        HttpResponse<String> response = put("k", new byte[] {1}, callback);

        assertEquals(203, response.statusCode());
        assertEquals(CallbackSender.CANNOT_CONNECT, oss.callbacks().get(0).failure().orElseThrow());
    }

    @Test
    void aCallbackParameterThatIsNotBase64JsonIsRefusedBeforeAnythingIsStored() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(oss.endpoint() + "/bucket-a/k"))
                .header("x-oss-callback", Base64.getEncoder().encodeToString("{not json".getBytes(StandardCharsets.UTF_8)))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))
                .build();

        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("<Code>InvalidArgument</Code>"), response.body());
        assertTrue(oss.objects().isEmpty());
    }

    @Test
    void aContentMd5ThatDoesNotMatchIsRefused() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(oss.endpoint() + "/bucket-a/k"))
                .header("Content-MD5", Base64.getEncoder().encodeToString(new byte[16]))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))
                .build();

        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(400, response.statusCode());
        assertTrue(response.body().contains("<Code>InvalidDigest</Code>"), response.body());
    }

    @Test
    void anUnknownBucketIsNoSuchBucket() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(oss.endpoint() + "/bucket-b/k"))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))
                .build();

        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());

        assertEquals(404, response.statusCode());
        assertTrue(response.body().contains("<Code>NoSuchBucket</Code>"), response.body());
    }

    @Test
    void readsBackAStoredObjectWithGetAndHead() throws Exception {
        put("docs/a.txt", "hello".getBytes(StandardCharsets.UTF_8), null);
        URI url = URI.create(oss.endpoint() + "/bucket-a/docs/a.txt");

        HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> head = HTTP.send(HttpRequest.newBuilder(url).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals("hello", get.body());
        assertEquals(200, head.statusCode());
        assertEquals("5", head.headers().firstValue("Content-Length").orElse(""));
        assertEquals(get.headers().firstValue("ETag"), head.headers().firstValue("ETag"));
    }

    @Test
    void servesItsPublicKeyAtTheKeyUrl() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(oss.keyUrl())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(200, response.statusCode());
        assertEquals(oss.publicKeyPem(), response.body());
    }

    @Test
    void startServesEveryNamedBucket() throws Exception {
        try (OssStandIn two = OssStandIn.start("one-bucket", "two-bucket")) {
            for (String bucket : new String[] {"one-bucket", "two-bucket"}) {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(two.endpoint() + "/" + bucket + "/k"))
                        .PUT(HttpRequest.BodyPublishers.ofString(bucket)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), response.body());
                assertEquals(bucket, new String(two.object(bucket, "k").orElseThrow().content(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void theBuilderRefusesBadBucketNamesAndOptionsSetTwice() {
        assertThrows(IllegalArgumentException.class, () -> OssStandIn.builder().buckets("Bad_Name"));
        assertThrows(IllegalArgumentException.class, () -> OssStandIn.builder().buckets());
        assertThrows(IllegalStateException.class, () -> OssStandIn.builder().buckets("ok-name").buckets("other"));
        assertThrows(IllegalStateException.class, () -> OssStandIn.builder().start());
    }
}
