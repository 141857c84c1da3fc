package io.github.osscallback.webflux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.HostileCorpus;
import io.github.osscallback.fixtures.HostileCorpus.Delivered;
import io.github.osscallback.fixtures.HostileCorpus.Rejected;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.config.EnableWebFlux;

/**
 * The shared hostile corpus (test-fixtures' HostileCorpus, which every adapter faces) against the
 * WebFlux filter on Reactor Netty over real HTTP: each refused request gets its status, reason and
 * exact Content-Length and reaches no handler; each signed body that does not parse reaches the
 * handler with its problem and no ambiguous field; no key URL outside the policy is fetched.
 */
class HostileCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    private static final OssCallbackSigner ATTACKER = OssCallbackSigner.generate();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** What the handler was given: a refused request must leave nothing. */
    static final List<OssCallback> HANDLED = new CopyOnWriteArrayList<>();

    private static LoopbackKeyServer trusted;
    private static LoopbackKeyServer attacker;
    private static CallbackVerifier verifier;
    private static FluxServer server;

    @Configuration(proxyBeanMethods = false)
    @EnableWebFlux
    @Import(OssCallbackWebFluxConfiguration.class)
    static class HostileApp {

        @Bean
        OssCallbackWebFilter ossCallbackFilter(CallbackVerifier verifier) {
            return new OssCallbackWebFilter(verifier, "/oss/callback/*");
        }

        @RestController
        static class Handler {
            @PostMapping("/oss/callback/hostile/{name}")
            CallbackReply handle(OssCallback callback) {
                HANDLED.add(callback);
                return CallbackReply.ok();
            }
        }
    }

    @BeforeAll
    static void start() throws IOException {
        trusted = LoopbackKeyServer.start();
        attacker = LoopbackKeyServer.start();
        trusted.serve("/oss/key.pem", OSS.publicKeyPem())
                .serve("/oss/other-key.pem", ATTACKER.publicKeyPem())
                .serve("/oss/garbage.pem", HostileCorpus.GARBAGE_PEM)
                .answer("/oss/redirect.pem", 302, "", Duration.ZERO, Map.of("Location", attacker.url("/key.pem")));
        attacker.serve("/key.pem", ATTACKER.publicKeyPem()).serve("/oss/key.pem", ATTACKER.publicKeyPem());
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(trusted.baseUrl() + "/oss/").build())
                .build();
        server = FluxServer.start(verifier, 2, HostileApp.class);
    }

    @AfterAll
    static void stop() {
        server.close();
        verifier.close();
        trusted.close();
        attacker.close();
    }

    private static HostileCorpus corpus() {
        return new HostileCorpus(server.url(""), OSS::sign, ATTACKER::sign, trusted.baseUrl(), attacker.baseUrl());
    }

    @TestFactory
    Stream<DynamicTest> eachHostileRequestIsRefusedBeforeAnyHandler() {
        List<Rejected> corpus = corpus().rejected();
        return IntStream.range(0, corpus.size()).mapToObj(i -> {
            Rejected c = corpus.get(i);
            String path = "/oss/callback/hostile/case" + i;
            return DynamicTest.dynamicTest(c.name(), () -> {
                HANDLED.clear();
                HttpResponse<String> response;
                try {
                    response = HTTP.send(c.request().build(path), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    // A 413 sent before the body was read may be overtaken by the reset of the unread
                    // rest: a transport race, not a verdict; what matters is that nothing was handled.
                    assertEquals(413, c.status(), c.name() + ": " + e);
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
                HANDLED.clear();
                HttpResponse<String> response = HTTP.send(c.request().build("/oss/callback/hostile/problem" + i),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), c.name() + ": " + response.body());
                assertEquals(1, HANDLED.size(), c.name());
                OssCallback seen = HANDLED.get(0);
                assertTrue(seen.bodyProblem().isPresent(), c.name());
                assertTrue(c.seenAsExpected(seen.fields(), seen.size(), seen.imageHeight()),
                        c.name() + ": the handler saw " + seen.fields());
            });
        });
    }

    @Test
    void aGetWithGenuineHeadersIsRefusedAsNotAllowed() throws Exception {
        HANDLED.clear();
        String path = "/oss/callback/hostile/get";
        HttpResponse<String> response = HTTP.send(corpus().to(path, null)
                .header("authorization", OSS.sign(path, null, new byte[0]))
                .header("x-oss-pub-key-url", HostileCorpus.encodeKeyUrl(trusted.url("/oss/key.pem"))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, response.statusCode(), response.body());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"method_not_allowed\"}", response.body());
        assertNothingReachedAHandlerOrUntrustedHosts();
    }

    private static void assertNothingReachedAHandlerOrUntrustedHosts() {
        assertEquals(List.of(), HANDLED, "a hostile request reached a handler");
        assertEquals(List.of(), attacker.requests(), "an untrusted key host was contacted");
        assertTrue(HostileCorpus.TRUSTED_FETCHABLE.containsAll(trusted.requests()), "fetched " + trusted.requests());
    }
}
