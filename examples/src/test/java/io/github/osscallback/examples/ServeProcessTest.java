package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code serve} as a separate process, driven over HTTP as a black box. */
class ServeProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private LoopbackKeyServer keyServer;
    private ServeProcess serve;
    private String base;

    @BeforeEach
    void startServe() throws Exception {
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", signer.publicKeyPem());
        serve = ServeProcess.start("--allow-key-url-prefix", keyServer.baseUrl() + "/oss/");
        base = serve.base();
    }

    @AfterEach
    void stop() {
        serve.close();
        keyServer.close();
    }

    private HttpResponse<String> post(String path, String body, String keyUrl) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        signer.headers(keyUrl, path, null, "application/x-www-form-urlencoded", bytes).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String nextLogLine() throws InterruptedException {
        return serve.nextLine();
    }

    @Test
    void answersVerifiedCallbacksOnBothPrefixesAndRejectsForgeries() throws Exception {
        for (String endpoint : List.of("servlet", "jaxrs")) {
            HttpResponse<String> ok = post("/" + endpoint + "/any/depth", "bucket=b&object=o%2Fx&size=5&x%3Auid=1",
                    keyServer.url("/oss/key.pem"));
            assertEquals(200, ok.statusCode(), ok.body());
            assertEquals("application/json", ok.headers().firstValue("content-type").orElse(""));
            JsonNode reply = JSON.readTree(ok.body());
            assertEquals("OK", reply.get("status").asText());
            assertEquals(endpoint, reply.get("endpoint").asText());
            assertEquals("b", reply.get("bucket").asText());
            assertEquals("o/x", reply.get("object").asText());
            assertEquals(5, reply.get("size").asInt());
            assertEquals("1", reply.get("fields").get("x:uid").asText());
            assertEquals("POST /" + endpoint + "/any/depth -> 200 ", nextLogLine());

            HttpResponse<String> forged = post("/" + endpoint + "/x", "bucket=b", keyServer.url("/elsewhere/key.pem"));
            assertEquals(403, forged.statusCode());
            assertEquals("{\"status\":\"REJECTED\",\"reason\":\"untrusted_key_url\"}", forged.body());
            assertEquals("POST /" + endpoint + "/x -> 403 untrusted_key_url", nextLogLine());

            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(base + "/" + endpoint + "/x")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(405, get.statusCode());
            assertEquals("method_not_allowed", JSON.readTree(get.body()).get("reason").asText());
            assertEquals("GET /" + endpoint + "/x -> 405 method_not_allowed", nextLogLine());
        }
        assertEquals(List.of("/oss/key.pem"), keyServer.requests());
    }

    @Test
    void stopsCleanlyOnSigterm() throws Exception {
        // SIGTERM through the handle: Process.destroy() would also close our end of the child's output.
        assertTrue(serve.process.toHandle().destroy());
        assertTrue(serve.process.waitFor(30, TimeUnit.SECONDS), "serve did not stop");
        assertEquals("stopped", nextLogLine());
    }

    @Test
    void refusesUnknownOption() throws Exception {
        Process bad = ServeProcess.main("serve", "--prot", "1").redirectErrorStream(true).start();
        String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue());
        assertTrue(text.contains("unknown option '--prot'"), text);
    }

    @Test
    void refusesAKeyFetchTimeoutUnderOneMillisecond() throws Exception {
        Process bad = ServeProcess.main("serve", "--key-fetch-timeout", "0").redirectErrorStream(true).start();
        String text = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(bad.waitFor(30, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue());
        assertTrue(text.contains("--key-fetch-timeout must be at least 1 ms, got 0"), text);
    }
}
