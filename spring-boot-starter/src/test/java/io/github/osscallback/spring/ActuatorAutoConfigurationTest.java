package io.github.osscallback.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.micrometer.OssCallbackMetrics;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.ManualClock;
import io.github.osscallback.testing.OssCallbackSigner;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * The health indicator's statuses on real verifiers, and how the indicator and the meters are
 * registered: on the running Boot line's types, only when wanted, and heard by the verifier
 * whether the starter or the application builds it.
 */
class ActuatorAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OssCallbackAutoConfiguration.class,
                    OssCallbackMetricsAutoConfiguration.class, OssCallbackHealthAutoConfiguration.class));

    /** Boot 4's HealthIndicator, or Boot 3.5's: whichever line runs these tests. */
    private static Class<?> healthIndicatorType() {
        for (String name : List.of("org.springframework.boot.health.contributor.HealthIndicator",
                "org.springframework.boot.actuate.health.HealthIndicator")) {
            if (ClassUtils.isPresent(name, null)) {
                return ClassUtils.resolveClassName(name, null);
            }
        }
        throw new AssertionError("no Actuator health types on the class path");
    }

    /** The status code and details a health indicator bean reports, through the running line's API. */
    @SuppressWarnings("unchecked")
    private static Map.Entry<String, Map<String, Object>> health(Object indicator) throws Exception {
        Object health = healthIndicatorType().getMethod("health").invoke(indicator);
        Object status = health.getClass().getMethod("getStatus").invoke(health);
        String code = (String) status.getClass().getMethod("getCode").invoke(status);
        return Map.entry(code, (Map<String, Object>) health.getClass().getMethod("getDetails").invoke(health));
    }

    @Test
    void theIndicatorIsTheRunningLinesTypeAndReportsTheVerifiersKeys() {
        runner.withPropertyValues("oss.callback.remote-key-fetching=false").run(context -> {
            Object indicator = context.getBean(OssCallbackHealthAutoConfiguration.INDICATOR_BEAN);
            assertTrue(healthIndicatorType().isInstance(indicator), indicator.getClass().getName());
            assertEquals(1, context.getBeansOfType(healthIndicatorType()).size());
            Map.Entry<String, Map<String, Object>> health = health(indicator);
            assertEquals("UP", health.getKey());
            assertEquals(List.of(CallbackVerifier.OSS_KEY_URL), health.getValue().get("pinnedKeyUrls"));
            assertEquals(false, health.getValue().get("remoteFetching"));

            // Without details, as Actuator asks when they are not to be shown: Boot's own default method.
            Method withoutDetails = ClassUtils.hasMethod(healthIndicatorType(), "health", boolean.class)
                    ? healthIndicatorType().getMethod("health", boolean.class)
                    : healthIndicatorType().getMethod("getHealth", boolean.class);
            Object bare = withoutDetails.invoke(indicator, false);
            assertEquals(Map.of(), bare.getClass().getMethod("getDetails").invoke(bare));
            Object status = bare.getClass().getMethod("getStatus").invoke(bare);
            assertEquals("UP", status.getClass().getMethod("getCode").invoke(status));
        });
    }

    @Test
    void theIndicatorIsOffWhenTurnedOffByNameOrByDefault() {
        runner.withPropertyValues("management.health.osscallback.enabled=false")
                .run(context -> assertFalse(context.containsBean(OssCallbackHealthAutoConfiguration.INDICATOR_BEAN)));
        runner.withPropertyValues("management.health.defaults.enabled=false")
                .run(context -> assertFalse(context.containsBean(OssCallbackHealthAutoConfiguration.INDICATOR_BEAN)));
        runner.withPropertyValues("management.health.defaults.enabled=false", "management.health.osscallback.enabled=true")
                .run(context -> assertTrue(context.containsBean(OssCallbackHealthAutoConfiguration.INDICATOR_BEAN)));
    }

    /** Both are optional: without Actuator's health types and Micrometer the starter works as before. */
    @Test
    void withoutActuatorAndMicrometerTheVerifierStillWorks() {
        runner.withUserConfiguration(ThrowingListener.class)
                .withClassLoader(new FilteredClassLoader("org.springframework.boot.health.", "org.springframework.boot.actuate.",
                        "io.micrometer."))
                .withPropertyValues("oss.callback.max-body-bytes=16")
                .run(context -> {
                    if (context.getStartupFailure() != null) {
                        throw new AssertionError("did not start", context.getStartupFailure());
                    }
                    assertFalse(context.containsBean(OssCallbackHealthAutoConfiguration.INDICATOR_BEAN));
                    assertFalse(context.containsBean(OssCallbackMetricsAutoConfiguration.LISTENER_BEAN));
                    oversized(context.getBean(CallbackVerifier.class));
                    assertEquals(List.of(CallbackRejectedException.Reason.BODY_TOO_LARGE),
                            context.getBean(ThrowingListener.class).heard);
                });
    }

    @Test
    void noMetersWithoutARegistry() {
        runner.run(context -> assertFalse(context.containsBean(OssCallbackMetricsAutoConfiguration.LISTENER_BEAN)));
    }

    private static void oversized(CallbackVerifier verifier) {
        byte[] body = new byte[verifier.maxBodyBytes() + 1];
        assertThrows(CallbackRejectedException.class, () -> verifier.verify(
                CallbackRequest.builder().path("/oss/callback").build(), new ByteArrayInputStream(body), body.length));
    }

    private static double bodyTooLarge(MeterRegistry registry) {
        return registry.get(OssCallbackMetrics.REQUESTS).tags("outcome", "rejected", "reason", "body_too_large").counter().count();
    }

    /** The starter's verifier reports to the meters and to the application's own listener, even one that throws. */
    @Test
    void theStartersVerifierReportsToTheMetersAndEveryListenerBean() {
        runner.withUserConfiguration(Registry.class, ThrowingListener.class).withPropertyValues("oss.callback.max-body-bytes=16")
                .run(context -> {
                    oversized(context.getBean(CallbackVerifier.class));
                    assertEquals(1, bodyTooLarge(context.getBean(MeterRegistry.class)));
                    assertEquals(List.of(CallbackRejectedException.Reason.BODY_TOO_LARGE),
                            context.getBean(ThrowingListener.class).heard);
                });
    }

    /** The recipe of docs/spring.md for an application's own verifier. */
    @Test
    void anApplicationsOwnVerifierHearsTheMetersListenerItPassesOn() {
        runner.withUserConfiguration(Registry.class, OwnVerifier.class).run(context -> {
            CallbackVerifier verifier = context.getBean(CallbackVerifier.class);
            assertEquals(16, verifier.maxBodyBytes());
            oversized(verifier);
            assertEquals(1, bodyTooLarge(context.getBean(MeterRegistry.class)));
            assertNotNull(context.getBean(OssCallbackHealthAutoConfiguration.INDICATOR_BEAN));
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class Registry {
        @Bean
        MeterRegistry registry() {
            return new SimpleMeterRegistry();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ThrowingListener {
        final List<CallbackRejectedException.Reason> heard = new CopyOnWriteArrayList<>();

        @Bean
        CallbackListener throwingListener() {
            return new CallbackListener() {
                @Override
                public void rejected(CallbackRejectedException.Reason reason) {
                    heard.add(reason);
                    throw new IllegalStateException("a listener that fails");
                }
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnVerifier {
        @Bean
        CallbackVerifier myVerifier(ObjectProvider<CallbackListener> listeners) {
            CallbackVerifier.Builder builder = CallbackVerifier.builder().maxBodyBytes(16);
            listeners.ifUnique(builder::listener);
            return builder.build();
        }
    }

    // The statuses, on real verifiers and a real key server.

    private static final OssCallbackSigner OSS = OssCallbackSigner.generate();

    private static CallbackVerifier remoteOnly(LoopbackKeyServer keys, ManualClock clock) {
        return CallbackVerifier.builder().pinnedOssKey(false).clock(clock)
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keys.baseUrl() + "/").build()).build();
    }

    @Test
    void remoteOnlyIsUpUntilAFetchFailsWithNoKeyAtHandThenUnknownAndUpAgainWithAKey() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (LoopbackKeyServer keys = LoopbackKeyServer.start().serve("/k.pem", OSS.publicKeyPem());
             CallbackVerifier verifier = remoteOnly(keys, clock)) {
            KeyHealth health = new KeyHealth(verifier);
            assertEquals(KeyHealth.UP, health.report().status());

            assertThrows(CallbackRejectedException.class, () -> verifier.prefetchKey(keys.url("/missing.pem")));
            KeyHealth.Report failed = health.report();
            assertEquals(KeyHealth.UNKNOWN, failed.status(), failed.toString());
            @SuppressWarnings("unchecked")
            Map<String, Object> failure = (Map<String, Object>) failed.details().get("lastFailure");
            assertEquals(keys.url("/missing.pem"), failure.get("keyUrl"));
            assertEquals("2026-01-01T00:00:00Z", failure.get("at"));
            assertTrue(((String) failure.get("problem")).startsWith("key_unavailable: "), failure.toString());

            verifier.prefetchKey(keys.url("/k.pem"));
            clock.advance(Duration.ofSeconds(90));
            KeyHealth.Report fetched = health.report();
            assertEquals(KeyHealth.UP, fetched.status(), fetched.toString());
            assertEquals(Map.of(keys.url("/k.pem"), Map.of("fetchedAt", "2026-01-01T00:00:00Z", "ageSeconds", 90L)),
                    fetched.details().get("fetchedKeys"));
            assertEquals(List.of(), fetched.details().get("pinnedKeyUrls"));
        }
    }

    @Test
    void aClosedVerifierIsOutOfServiceWhetherItFetchesOrOnlyHasPinnedKeys() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
        try (LoopbackKeyServer keys = LoopbackKeyServer.start()) {
            CallbackVerifier verifier = remoteOnly(keys, clock);
            KeyHealth health = new KeyHealth(verifier);
            verifier.close();
            assertEquals(KeyHealth.OUT_OF_SERVICE, health.report().status());
            // The verifier knows it was closed: an indicator made afterwards says so too.
            assertEquals(KeyHealth.OUT_OF_SERVICE, new KeyHealth(verifier).report().status());
        }
        CallbackVerifier pinned = CallbackVerifier.builder().clock(clock).build();
        KeyHealth health = new KeyHealth(pinned);
        pinned.close();
        assertEquals(KeyHealth.OUT_OF_SERVICE, health.report().status(), "closing stops refreshes and fetches");
    }
}
