package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bucket callback policies: an upload whose {@code x-oss-callback} names a stored policy
 * ({@link CallbackParameters#policyHeader}) is called back with the policy's parameters.
 */
class OssStandInCallbackPolicyTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private VerifyingCallbackServer app;
    private OssStandIn oss;

    @BeforeEach
    void start() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        app = new VerifyingCallbackServer(CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("http://127.0.0.1:1/").build())
                .pinKey("http://127.0.0.1:1/policy.pem", signer.publicKeyPem())
                .build());
        CallbackParameters stored = CallbackParameters.builder()
                .callbackUrl(app.url("/oss/policy-callback"))
                .callbackBody("{\"object\":${object},\"size\":${size},\"team\":${x:team}}")
                .bodyType(BodyType.JSON)
                .customVariable("x:team", "blue")
                .build();
        oss = OssStandIn.builder().buckets("bucket-a").signer(signer).keyUrl("http://127.0.0.1:1/policy.pem")
                .callbackPolicy("uploads", stored).start();
    }

    @AfterEach
    void stop() {
        oss.close();
        app.close();
    }

    private HttpResponse<String> put(String callbackHeader) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(oss.endpoint() + "/bucket-a/a.txt"))
                .header("x-oss-callback", callbackHeader)
                .PUT(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUploadNamingAStoredPolicyIsCalledBackWithItsParameters() throws Exception {
        HttpResponse<String> upload = put(CallbackParameters.policyHeader("uploads"));
        assertEquals(200, upload.statusCode(), upload.body());
        OssCallback callback = app.verified().get(0);
        assertEquals("/oss/policy-callback", callback.path());
        assertEquals("{\"object\":\"a.txt\",\"size\":5,\"team\":\"blue\"}", new String(callback.body(), StandardCharsets.UTF_8));
    }

    @Test
    void anUnknownPolicyIsRefusedBeforeAnythingIsStored() throws Exception {
        HttpResponse<String> upload = put(CallbackParameters.policyHeader("nope"));
        assertEquals(400, upload.statusCode());
        assertTrue(upload.body().contains("<Code>InvalidArgument</Code>"), upload.body());
        assertTrue(oss.object("bucket-a", "a.txt").isEmpty());
    }

    @Test
    void thePolicyHeaderIsTheDocumentedJson() {
        assertEquals("{\"callbackPolicy\":\"uploads\"}",
                new String(Base64.getDecoder().decode(CallbackParameters.policyHeader("uploads")), StandardCharsets.UTF_8));
        assertThrows(IllegalArgumentException.class, () -> CallbackParameters.policyHeader(" "));
        assertThrows(IllegalArgumentException.class, () -> CallbackParameters.policyHeader("a\"b"));
    }
}
