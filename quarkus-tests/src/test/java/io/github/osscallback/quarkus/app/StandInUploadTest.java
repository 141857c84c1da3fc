package io.github.osscallback.quarkus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.model.Callback;
import com.aliyun.oss.model.ObjectMetadata;
import com.aliyun.oss.model.PutObjectRequest;
import com.aliyun.oss.model.PutObjectResult;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * A whole upload as users run it: Alibaba's Java SDK uploads to the OSS stand-in with a callback
 * to the Quarkus application, the stand-in signs and delivers the callback as OSS does, and the
 * uploader gets the application's JSON reply (203 CallbackFailed would mean the callback was lost).
 */
@QuarkusTest
@WithTestResource(KeyHost.class)
class StandInUploadTest {

    @TestHTTPResource("/")
    URL root;

    /** Uploads with a callback; the uploader's answer: its status and the callback's reply relayed by OSS. */
    private String upload(String callbackPath, String body, Callback.CalbackBodyType type) throws Exception {
        ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
        configuration.setMaxErrorRetry(0);
        OSS client = OSSClientBuilder.create()
                .endpoint(ConfigProvider.getConfig().getValue(KeyHost.OSS_ENDPOINT, String.class)).region("cn-hangzhou")
                .credentialsProvider(new DefaultCredentialProvider(KeyHost.ACCESS_KEY_ID, KeyHost.ACCESS_KEY_SECRET))
                .clientConfiguration(configuration).build();
        try {
            Callback callback = new Callback();
            callback.setCallbackUrl("http://127.0.0.1:" + root.getPort() + callbackPath);
            callback.setCallbackBody(body);
            callback.setCalbackBodyType(type);
            ObjectMetadata metadata = new ObjectMetadata();
            metadata.setContentType("image/jpeg");
            PutObjectRequest put = new PutObjectRequest(KeyHost.BUCKET, "users/42/cat.jpg",
                    new ByteArrayInputStream("not really a jpeg".getBytes(StandardCharsets.UTF_8)), metadata);
            put.setCallback(callback);
            PutObjectResult result = client.putObject(put);
            return result.getResponse().getStatusCode() + " "
                    + new String(result.getResponse().getContent().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            client.shutdown();
        }
    }

    @Test
    void anUploadWithAFormCallbackGetsTheApplicationsReply() throws Exception {
        String answer = upload("/oss/callback/upload", "bucket=${bucket}&object=${object}&size=${size}",
                Callback.CalbackBodyType.URL);
        assertTrue(answer.startsWith("200 {") && answer.contains("\"object\":\"users/42/cat.jpg\""), answer);
    }

    @Test
    void anUploadsCallbackBindsTheRecord() throws Exception {
        String answer = upload("/oss/callback/bound", "bucket=${bucket}&object=${object}&size=${size}",
                Callback.CalbackBodyType.URL);
        assertEquals("200 {\"bucket\":\"photos\",\"object\":\"users/42/cat.jpg\",\"size\":17}", answer);
    }
}
