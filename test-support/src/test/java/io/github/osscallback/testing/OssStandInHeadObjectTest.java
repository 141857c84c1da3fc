package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.common.comm.SignVersion;
import com.aliyun.oss.model.ObjectMetadata;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HeadObject at the stand-in, asked by Alibaba's Java SDK with V4 signatures (and STS): what the
 * verifier's check with OSS relies on, and the holds and faults its tests use.
 */
class OssStandInHeadObjectTest {

    private static final String AK = "test-access-key-id";
    private static final String SK = "test-access-key-secret";
    private static final Instant STORED_AT = Instant.parse("2026-11-25T08:00:00Z");

    private OssStandIn oss;
    private OSS client;

    @AfterEach
    void close() {
        if (client != null) {
            client.shutdown();
        }
        if (oss != null) {
            oss.close();
        }
    }

    private OSS client(String secret, String token) {
        ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
        configuration.setMaxErrorRetry(0);
        configuration.setSignatureVersion(SignVersion.V4);
        client = OSSClientBuilder.create()
                .endpoint(oss.endpoint().toString())
                .region("cn-hangzhou")
                .credentialsProvider(token == null ? new DefaultCredentialProvider(AK, secret)
                        : new DefaultCredentialProvider(AK, secret, token))
                .clientConfiguration(configuration)
                .build();
        return client;
    }

    @Test
    void answersWithTheObjectsLengthQuotedEtagTypeAndLastModified() throws Exception {
        oss = OssStandIn.builder().buckets("photos").accessKey(AK, SK).clock(new ManualClock(STORED_AT)).start();
        StoredObject stored = oss.putObject("photos", "dir/a b+c.txt", "hello".getBytes(StandardCharsets.UTF_8),
                "text/plain");
        assertEquals(STORED_AT, stored.lastModified());
        ObjectMetadata metadata = client(SK, null).getObjectMetadata("photos", "dir/a b+c.txt");
        assertEquals(5, metadata.getContentLength());
        assertEquals("text/plain", metadata.getContentType());
        assertEquals(stored.etag(), metadata.getETag()); // the SDK unquotes it
        assertEquals(Date.from(STORED_AT), metadata.getLastModified());
        assertEquals("5D41402ABC4B2A76B9719D911017C592", stored.etag(), "the hex MD5 of the bytes, upper case");

        HttpResponse<Void> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(oss.endpoint() + "/photos/dir/a%20b%2Bc.txt")).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(403, raw.statusCode(), "an unsigned request is refused");
    }

    @Test
    void answers404ForAMissingObjectAnd403ForAWrongSignature() throws Exception {
        oss = OssStandIn.builder().buckets("photos").accessKey(AK, SK).start();
        oss.putObject("photos", "a.txt", new byte[1], "text/plain");
        OSSException missing = assertThrows(OSSException.class, () -> client(SK, null).getObjectMetadata("photos", "b"));
        assertEquals("NoSuchKey", missing.getErrorCode()); // a HEAD answer has no body: the SDK names the status
        client.shutdown();
        OSS wrongSecret = client(SK + "x", null);
        OSSException wrong = assertThrows(OSSException.class, () -> wrongSecret.getObjectMetadata("photos", "a.txt"));
        assertEquals("AccessForbidden", wrong.getErrorCode()); // the SDK's name for a bodiless 403
        OSSException wrongGet = assertThrows(OSSException.class, () -> wrongSecret.getObject("photos", "a.txt"));
        assertEquals("SignatureDoesNotMatch", wrongGet.getErrorCode(), "the same refusal, with its body");
    }

    @Test
    void withASecurityTokenRequiresItInEachRequest() throws Exception {
        oss = OssStandIn.builder().buckets("photos").accessKey(AK, SK).securityToken("CAIS-token").start();
        oss.putObject("photos", "a.txt", new byte[3], "text/plain");
        assertEquals(3, client(SK, "CAIS-token").getObjectMetadata("photos", "a.txt").getContentLength());
        client.shutdown();
        assertThrows(OSSException.class, () -> client(SK, null).getObjectMetadata("photos", "a.txt"));
        client.shutdown();
        assertThrows(OSSException.class, () -> client(SK, "other-token").getObjectMetadata("photos", "a.txt"));
    }

    @Test
    void aHoldKeepsReadsWaitingUntilReleased() throws Exception {
        oss = OssStandIn.builder().buckets("photos").accessKey(AK, SK).start();
        oss.putObject("photos", "a.txt", new byte[3], "text/plain");
        OSS sdk = client(SK, null);
        CompletableFuture<Long> held;
        try (OssStandIn.Hold hold = oss.holdObjectReads()) {
            held = CompletableFuture.supplyAsync(() -> sdk.getObjectMetadata("photos", "a.txt").getContentLength());
            assertTrue(hold.awaitHeld(Duration.ofSeconds(30)));
            assertEquals(1, hold.held());
            assertTrue(!held.isDone(), "no answer while held");
            assertThrows(IllegalStateException.class, oss::holdObjectReads);
        }
        assertEquals(3L, held.get(30, TimeUnit.SECONDS));
        assertEquals(3, sdk.getObjectMetadata("photos", "a.txt").getContentLength(), "released: no longer held");
    }

    @Test
    void failingReadsAnswerTheStatusUntilTurnedOff() throws Exception {
        oss = OssStandIn.builder().buckets("photos").accessKey(AK, SK).start();
        oss.putObject("photos", "a.txt", new byte[3], "text/plain");
        OSS sdk = client(SK, null);
        oss.failObjectReads(503);
        OSSException failed = assertThrows(OSSException.class, () -> sdk.getObject("photos", "a.txt"));
        assertEquals("ServiceUnavailable", failed.getErrorCode());
        oss.failObjectReads(500);
        assertEquals("InternalError", assertThrows(OSSException.class,
                () -> sdk.getObject("photos", "a.txt")).getErrorCode());
        oss.failObjectReads(0);
        assertEquals(3, sdk.getObjectMetadata("photos", "a.txt").getContentLength());
        assertThrows(IllegalArgumentException.class, () -> oss.failObjectReads(404));
    }
}
