package io.github.osscallback.examples.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The example as OSS and an attacker meet it, with a loopback key server standing in for OSS's. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
class UploadCallbackApplicationTest {

    static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    static final LoopbackKeyServer KEYS = start();

    static LoopbackKeyServer start() {
        try {
            return LoopbackKeyServer.start().serve("/oss/key.pem", OSS.publicKeyPem());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        registry.add("oss.callback.key-url-prefixes", () -> KEYS.baseUrl() + "/oss/");
    }

    @AfterAll
    static void stop() {
        KEYS.close();
    }

    @LocalServerPort
    int port;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    HttpResponse<String> post(Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/oss/callback/upload"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, String> signed(OssCallbackSigner signer, String contentType, String body) {
        return signer.headers(KEYS.url("/oss/key.pem"), "/oss/callback/upload", null, contentType,
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aGenuineCallbackIsStoredOnceAndItsReplayRefused() throws Exception {
        String body = "{\"bucket\":\"photos\",\"object\":\"2026/cat.jpg\",\"size\":1024}";
        HttpResponse<String> first = post(signed(OSS, "application/json", body), body);
        assertEquals(200, first.statusCode(), first.body());
        assertEquals("{\"stored\":\"2026/cat.jpg\"}", first.body());
        assertEquals(String.valueOf(first.body().getBytes(StandardCharsets.UTF_8).length),
                first.headers().firstValue("content-length").orElse("none"));

        HttpResponse<String> replay = post(signed(OSS, "application/json", body), body);
        assertEquals(409, replay.statusCode(), replay.body());
    }

    @Test
    void forgedAndRelabelledCallbacksAreRefused() throws Exception {
        String body = "{\"bucket\":\"photos\",\"object\":\"evil.jpg\",\"size\":1}";
        assertEquals(403, post(signed(OssCallbackSigner.generate(), "application/json", body), body).statusCode());
        // A genuine signature, but the body relabelled as a form: expected-body-type=json refuses it.
        String form = "bucket=photos&object=evil.jpg";
        assertEquals(400, post(signed(OSS, "application/x-www-form-urlencoded", form), form).statusCode());
    }
}
