package io.github.osscallback.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An upload with Alibaba's Java SDK through the OSS stand-in, whose callback goes through the
 * gateway to the downstream: the key is fetched from the stand-in, the callback verified at the
 * edge, and the downstream's JSON reply comes back to the SDK as OSS relays it. This application
 * brings its own {@link CallbackVerifier} bean (trusting the stand-in's key URL), which the filter
 * uses instead of one from the properties.
 */
@SpringBootTest(classes = OssStandInUploadTest.OwnVerifier.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OssStandInUploadTest {

    private static final String BUCKET = "photos";
    private static final String AK = "test-access-key-id";
    private static final String SK = "test-access-key-secret";
    private static OssStandIn oss;

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void edge(DynamicPropertyRegistry registry) {
        registry.add("edge.downstream", Edge.DOWNSTREAM::baseUrl);
    }

    @BeforeAll
    static void startOss() throws java.io.IOException {
        oss = OssStandIn.builder().buckets(BUCKET).accessKey(AK, SK).callbackTimeout(Duration.ofSeconds(60)).start();
    }

    @AfterAll
    static void stopOss() {
        oss.close();
    }

    /** The application's own verifier: the starter's properties then must not name verifier settings. */
    @TestConfiguration(proxyBeanMethods = false)
    @Import(EdgeApplication.class)
    static class OwnVerifier {
        @Bean(destroyMethod = "close")
        CallbackVerifier ownVerifier() {
            return CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(oss.keyUrl()).build())
                    .build();
        }
    }

    @Test
    void anSdkUploadsCallbackIsVerifiedAtTheEdgeAndTheDownstreamsReplyReachesTheUploader() throws Exception {
        Edge.DOWNSTREAM.received.clear();
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
            callback.setCallbackUrl("http://127.0.0.1:" + port + "/strip/uploads/done");
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
            assertEquals(1, Edge.DOWNSTREAM.received.size());
            Downstream.Received got = Edge.DOWNSTREAM.received.get(0);
            assertEquals("/uploads/done", got.target());
            String body = new String(got.body(), StandardCharsets.UTF_8);
            assertTrue(body.startsWith("bucket=photos&object=users") && body.endsWith("&size=2048"), body);
            assertEquals(List.of(Integer.toString(got.body().length)), got.header("content-length"));
            assertEquals(List.of("signature, body=form"), got.header(OssCallbackGatewayFilterFactory.VERIFIED_HEADER));
            Edge.DOWNSTREAM.received.clear();

            // A reply OSS refuses (text from the downstream) is CallbackFailed at the uploader, as with OSS.
            callback.setCallbackUrl("http://127.0.0.1:" + port + "/edge/text");
            PutObjectRequest text = new PutObjectRequest(BUCKET, "users/42/b.bin", new ByteArrayInputStream(new byte[16]));
            text.setCallback(callback);
            OSSException failed = assertThrows(OSSException.class, () -> client.putObject(text));
            assertEquals("CallbackFailed", failed.getErrorCode());
        } finally {
            client.shutdown();
        }
    }
}
