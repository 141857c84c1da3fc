package io.github.osscallback.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Properties always apply, in a real application over real HTTP: with a customizer for what they
 * cannot say, the replay window and the expected body type still hold; next to an application's
 * own verifier, setting them fails start-up instead of being ignored.
 */
@SpringBootTest(classes = {CallbackTestApplication.class, VerifierCustomizerApplicationTest.Customized.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"oss.callback.replay-window-seconds=600", "oss.callback.expected-body-type=json"})
class VerifierCustomizerApplicationTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        TestKeys.register(registry);
    }

    /** What properties cannot say: here, the clock. */
    @Configuration(proxyBeanMethods = false)
    static class Customized {
        @Bean
        OssCallbackVerifierCustomizer clock() {
            return builder -> builder.clock(CLOCK);
        }
    }

    /** An application with its own verifier (and no component scan, which would find these tests' beans too). */
    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class OwnVerifierApplication {
        @Bean
        CallbackVerifier myVerifier() {
            return CallbackVerifier.builder().build();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    CallbackVerifier verifier;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aReplayIsRefusedAndAFormRefusedWhileTheCustomizersClockIsInUse() throws Exception {
        assertEquals(CLOCK.instant(), verifier.keyStatus().at(), "the customizer's clock");

        byte[] json = bytes("{\"bucket\":\"photos\",\"object\":\"replayed.png\",\"size\":\"7\"}");
        var headers = TestKeys.signed("/oss/callback/record", "application/json", json);
        Http.Response first = Http.post(port, "/oss/callback/record", headers, json);
        assertEquals(200, first.status(), first.text());
        Http.Response again = Http.post(port, "/oss/callback/record", headers, json);
        assertEquals(409, again.status(), again.text());
        assertTrue(again.text().contains("\"replayed\""), again.text());

        byte[] form = bytes("bucket=photos&object=form.png&size=9");
        Http.Response asForm = Http.post(port, "/oss/callback/record",
                TestKeys.signed("/oss/callback/record", "application/x-www-form-urlencoded", form), form);
        assertEquals(400, asForm.status(), asForm.text());
        assertTrue(asForm.text().contains("\"unexpected_body_type\""), asForm.text());
    }

    @Test
    void anOwnVerifierNextToVerifierPropertiesStopsTheApplicationNamingThem() {
        RuntimeException failure = assertThrows(RuntimeException.class, () -> new SpringApplicationBuilder(
                OwnVerifierApplication.class)
                .properties("server.port=0", "server.address=127.0.0.1", "oss.callback.replay-window-seconds=600",
                        "oss.callback.expected-body-type=json")
                .run().close());
        FailureAnalysis analysis = new InvalidCallbackPropertiesFailureAnalyzer().analyze(failure);
        assertNotNull(analysis, failure.toString());
        assertTrue(analysis.getDescription().contains("oss.callback.replay-window-seconds, oss.callback.expected-body-type"
                + " are set, but the application defines its own CallbackVerifier bean [myVerifier]"), analysis.getDescription());
        assertTrue(analysis.getAction().contains("OssCallbackVerifierCustomizer"), analysis.getAction());
    }
}
