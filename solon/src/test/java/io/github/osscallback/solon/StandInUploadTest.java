package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.model.Callback;
import com.aliyun.oss.model.PutObjectRequest;
import com.aliyun.oss.model.PutObjectResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.OssCallback;
import io.github.osscallback.testing.OssStandIn;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Uploads with Alibaba's Java SDK (aliyun-sdk-oss) through the OSS stand-in, which calls the Solon
 * application back as OSS does: the SDK gets the action's JSON, or {@code CallbackFailed} when
 * the application refuses the callback; never a callback lost without the uploader knowing.
 */
class StandInUploadTest {

    private static int port;
    private OSS client;

    @BeforeAll
    static void start() throws Exception {
        port = TestApplication.start();
    }

    @BeforeEach
    void connect() {
        TestApplication.HANDLED.clear();
        ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
        configuration.setMaxErrorRetry(0);
        client = OSSClientBuilder.create()
                .endpoint(TestApplication.oss().endpoint().toString())
                .region("cn-hangzhou")
                .credentialsProvider(new DefaultCredentialProvider("test-access-key-id", "test-access-key-secret"))
                .clientConfiguration(configuration)
                .build();
    }

    @AfterEach
    void disconnect() {
        client.shutdown();
    }

    private static Callback callback(String path) {
        Callback callback = new Callback();
        callback.setCallbackUrl("http://127.0.0.1:" + port + path);
        callback.setCallbackBody("bucket=${bucket}&object=${object}&size=${size}");
        callback.setCalbackBodyType(Callback.CalbackBodyType.URL);
        return callback;
    }

    @Test
    void anUploadCallsTheActionBackAndTheSdkGetsItsJson() throws Exception {
        byte[] content = new byte[2048];
        new Random(2048).nextBytes(content);
        PutObjectRequest put = new PutObjectRequest("photos", "users/42/avatar.bin", new ByteArrayInputStream(content));
        put.setCallback(callback("/oss/callback/reply"));

        PutObjectResult result = client.putObject(put);

        assertEquals(200, result.getResponse().getStatusCode());
        try (var reply = result.getResponse().getContent()) {
            assertEquals("users/42/avatar.bin", new ObjectMapper().readTree(reply).get("object").asText());
        }
        OssCallback seen = (OssCallback) TestApplication.HANDLED.get(0);
        assertEquals("photos", seen.bucket().orElseThrow());
        assertEquals(2048, seen.size().orElseThrow());
        OssStandIn oss = TestApplication.oss();
        assertArrayEquals(content, oss.object("photos", "users/42/avatar.bin").orElseThrow().content());
    }

    @Test
    void aCallbackTheApplicationRefusesIsCallbackFailedForTheUploader() {
        PutObjectRequest put = new PutObjectRequest("photos", "elsewhere/x.bin", new ByteArrayInputStream(new byte[16]));
        put.setCallback(callback("/oss/callback/uploads-only"));

        OSSException failed = assertThrows(OSSException.class, () -> client.putObject(put));

        assertEquals("CallbackFailed", failed.getErrorCode());
        assertEquals(List.of(), TestApplication.HANDLED);
    }
}
