package io.github.osscallback.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Under a context path, {@code oss.callback.paths} and the controllers' mappings are relative to
 * it, while OSS signs the whole path it called, context path included.
 */
@SpringBootTest(classes = CallbackTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "server.servlet.context-path=/api")
class ContextPathTest {

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        TestKeys.register(registry);
    }

    @LocalServerPort
    int port;

    @Test
    void callbacksAreVerifiedOverTheWholePathOssCalled() throws Exception {
        byte[] body = "bucket=photos&object=i.jpg".getBytes(StandardCharsets.UTF_8);
        String form = "application/x-www-form-urlencoded";
        Http.Response genuine = Http.post(port, "/api/oss/callback/reply", TestKeys.signed("/api/oss/callback/reply", form, body), body);
        assertEquals(200, genuine.status(), genuine.text());
        assertEquals("{\"object\":\"i.jpg\"}", genuine.text());
        // Signed for the path without the context path: not what OSS called.
        assertEquals(403, Http.post(port, "/api/oss/callback/reply", TestKeys.signed("/oss/callback/reply", form, body), body).status());
    }
}
