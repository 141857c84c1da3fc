package io.github.osscallback.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aliyun.oss.ClientBuilderConfiguration;
import com.aliyun.oss.OSS;
import com.aliyun.oss.OSSClientBuilder;
import com.aliyun.oss.OSSException;
import com.aliyun.oss.common.auth.DefaultCredentialProvider;
import com.aliyun.oss.model.Callback;
import com.aliyun.oss.model.PutObjectRequest;
import com.aliyun.oss.model.PutObjectResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.testing.OssStandIn;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An upload with Alibaba's Java SDK through the OSS stand-in, whose callback goes to the WebFlux
 * application: the key is fetched from the stand-in (the non-blocking fetch), the callback
 * verified, and the handler's {@code CallbackReply} comes back to the SDK as OSS relays it.
 */
class OssStandInUploadTest {

    private static final String BUCKET = "photos";
    private static final String AK = "test-access-key-id";
    private static final String SK = "test-access-key-secret";

    @Test
    void anSdkUploadsCallbackIsVerifiedAndItsReplyReachesTheUploader() throws Exception {
        try (OssStandIn oss = OssStandIn.builder().buckets(BUCKET).accessKey(AK, SK)
                .callbackTimeout(Duration.ofSeconds(60)).start();
             CallbackVerifier verifier = CallbackVerifier.builder()
                     .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(oss.keyUrl()).build())
                     .build();
             FluxServer app = FluxServer.start(verifier, 1, CallbackApp.class)) {
            CallbackApp.REACHED.clear();
            ClientBuilderConfiguration configuration = new ClientBuilderConfiguration();
            configuration.setMaxErrorRetry(0);
            OSS client = OSSClientBuilder.create()
                    .endpoint(oss.endpoint().toString())
                    .region("cn-hangzhou")
                    .credentialsProvider(new DefaultCredentialProvider(AK, SK))
                    .clientConfiguration(configuration)
                    .build();
            try {
                Callback callback = new Callback();
                callback.setCallbackUrl(app.url("/oss/callback/reply"));
                callback.setCallbackBody("bucket=${bucket}&object=${object}&size=${size}");
                callback.setCalbackBodyType(Callback.CalbackBodyType.URL);
                PutObjectRequest put = new PutObjectRequest(BUCKET, "users/42/avatar.bin",
                        new ByteArrayInputStream(new byte[2048]));
                put.setCallback(callback);

                PutObjectResult result = client.putObject(put);

                assertEquals(200, result.getResponse().getStatusCode());
                JsonNode reply;
                try (InputStream in = result.getResponse().getContent()) {
                    reply = new ObjectMapper().readTree(in);
                }
                assertEquals("OK", reply.get("status").asText());
                assertEquals("users/42/avatar.bin", reply.get("object").asText());
                assertEquals(1, CallbackApp.REACHED.size());

                // A callback the application refuses is CallbackFailed at the uploader, as with OSS.
                callback.setCallbackUrl(app.url("/oss/callback/record"));
                callback.setCallbackBody("bucket=${bucket}&object=${object}&size=not-a-number");
                put.setCallback(callback);
                OSSException failed = org.junit.jupiter.api.Assertions.assertThrows(OSSException.class,
                        () -> client.putObject(new PutObjectRequest(BUCKET, "users/42/b.bin",
                                new ByteArrayInputStream(new byte[16])) {{ setCallback(callback); }}));
                assertEquals("CallbackFailed", failed.getErrorCode());
                assertTrue(verifier.keyStatus().toString().contains(oss.keyUrl()), verifier.keyStatus().toString());
            } finally {
                client.shutdown();
            }
        }
    }
}
