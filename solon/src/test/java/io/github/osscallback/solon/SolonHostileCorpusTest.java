package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.HostileCorpus;
import io.github.osscallback.fixtures.HostileCorpus.Delivered;
import io.github.osscallback.fixtures.HostileCorpus.Rejected;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared hostile corpus (test-fixtures' HostileCorpus, which every adapter faces), against
 * the plugin in the Solon application over real HTTP: each request gets its status and reason,
 * none reaches a handler or yields a 500, and the key hosts prove that no untrusted URL was fetched.
 */
class SolonHostileCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OssCallbackSigner OSS = TestApplication.OSS;
    private static final OssCallbackSigner ATTACKER = OssCallbackSigner.generate();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static LoopbackKeyServer trusted;
    private static LoopbackKeyServer attacker;
    private static String base;
    private static String keyUrl;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        port = TestApplication.start();
        trusted = TestApplication.keys();
        attacker = LoopbackKeyServer.start();
        trusted.serve("/oss/other-key.pem", ATTACKER.publicKeyPem())
                .serve("/oss/garbage.pem", HostileCorpus.GARBAGE_PEM)
                .answer("/oss/redirect.pem", 302, "", Duration.ZERO, Map.of("Location", attacker.url("/key.pem")));
        attacker.serve("/key.pem", ATTACKER.publicKeyPem()).serve("/oss/key.pem", ATTACKER.publicKeyPem());
        keyUrl = trusted.url("/oss/key.pem");
        base = "http://127.0.0.1:" + port;
    }

    @AfterAll
    static void stop() {
        attacker.close();
    }

    private static HostileCorpus corpus() {
        return new HostileCorpus(base, OSS::sign, ATTACKER::sign, trusted.baseUrl(), attacker.baseUrl());
    }

    @TestFactory
    Stream<DynamicTest> eachHostileRequestIsRejectedBeforeAnyHandler() {
        List<Rejected> corpus = corpus().rejected();
        return IntStream.range(0, corpus.size()).mapToObj(i -> {
            Rejected c = corpus.get(i);
            String path = "/oss/callback/hostile/case" + i;
            return DynamicTest.dynamicTest(c.name(), () -> {
                TestApplication.HANDLED.clear();
                HttpClient client = c.status() == 413
                        ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() : HTTP;
                HttpResponse<String> response;
                try {
                    response = client.send(c.request().build(path), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    if (c.status() != 413) {
                        throw e;
                    }
                    // Closing with the body unread can reset the connection before the client reads
                    // the 413: a transport race, not a verdict. The server's record stands in for it.
                    assertTrue(TestApplication.REJECTIONS.contains("POST " + path + " -> 413 body_too_large"),
                            c.name() + ": " + TestApplication.REJECTIONS);
                    assertNothingReachedAHandlerOrUntrustedHosts();
                    return;
                }
                String context = c.name() + ": " + response.body();
                assertEquals(c.status(), response.statusCode(), context);
                JsonNode json = JSON.readTree(response.body());
                assertEquals("REJECTED", json.path("status").asText(), context);
                assertEquals(c.reason(), json.path("reason").asText(), context);
                assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length),
                        response.headers().firstValue("content-length").orElse(""), context);
                assertNothingReachedAHandlerOrUntrustedHosts();
            });
        });
    }

    @TestFactory
    Stream<DynamicTest> signedBodiesThatDoNotParseAreDeliveredWithAProblemAndNoAmbiguousField() {
        List<Delivered> cases = corpus().delivered();
        return IntStream.range(0, cases.size()).mapToObj(i -> {
            Delivered c = cases.get(i);
            return DynamicTest.dynamicTest(c.name(), () -> {
                TestApplication.HANDLED.clear();
                HttpResponse<String> response = HTTP.send(c.request().build("/oss/callback/hostile/problem" + i),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), c.name() + ": " + response.body());
                assertEquals(1, TestApplication.HANDLED.size(), c.name());
                OssCallback seen = (OssCallback) TestApplication.HANDLED.get(0);
                assertTrue(seen.bodyProblem().isPresent(), c.name());
                assertTrue(c.seenAsExpected(seen.fields(), seen.size(), seen.imageHeight()),
                        c.name() + ": user code saw " + seen.fields());
            });
        });
    }

    /**
     * The corpus's two GET cases again (with and without genuine callback headers), at a path of their
     * own, where the whole reply is checked: the actions map POST only, so the plugin must refuse first.
     */
    static List<HttpRequest> gets() {
        HostileCorpus corpus = corpus();
        return List.of(corpus.to("/oss/callback/hostile/get", null).GET().build(),
                corpus.to("/oss/callback/hostile/get", null)
                        .header("authorization", OSS.sign("/oss/callback/hostile/get", null, new byte[0]))
                        .header("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyUrl)).GET().build());
    }

    @Test
    void aGetIsRefusedAsNotAllowedBeforeAnyHandler() throws Exception {
        TestApplication.HANDLED.clear();
        for (HttpRequest get : gets()) {
            HttpResponse<String> response = HTTP.send(get, HttpResponse.BodyHandlers.ofString());
            assertEquals(405, response.statusCode(), response.body());
            assertEquals("{\"status\":\"REJECTED\",\"reason\":\"method_not_allowed\"}", response.body());
        }
        assertNothingReachedAHandlerOrUntrustedHosts();
    }

    /** The limit holds against the declared length: the 413 comes back before any body byte is sent. */
    @Test
    void declaredOversizeIsRefusedBeforeTheBodyArrives() throws Exception {
        for (String type : List.of(HostileCorpus.FORM, "application/json")) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /oss/callback/hostile/declared HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: " + type + "\r\nContent-Length: 10000000\r\n"
                        + "authorization: " + Base64.getEncoder().encodeToString(new byte[64]) + "\r\n"
                        + "x-oss-pub-key-url: " + OssCallbackSigner.encodeKeyUrl(keyUrl) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                socket.setSoTimeout(10_000);
                String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                assertTrue(statusLine.startsWith("HTTP/1.1 413"), type + ": " + statusLine);
            }
        }
        assertEquals(List.of(), TestApplication.HANDLED);
    }

    @Test
    void corpusHasAtLeast150HostileRequests() {
        int size = corpus().rejected().size() + corpus().delivered().size() + gets().size();
        assertTrue(size >= 150, "corpus has " + size);
    }

    private static void assertNothingReachedAHandlerOrUntrustedHosts() {
        assertEquals(List.of(), TestApplication.HANDLED, "a hostile request reached a handler");
        assertEquals(List.of(), attacker.requests(), "an untrusted key host was contacted");
        assertTrue(HostileCorpus.TRUSTED_FETCHABLE.containsAll(trusted.requests()), "fetched " + trusted.requests());
    }
}
