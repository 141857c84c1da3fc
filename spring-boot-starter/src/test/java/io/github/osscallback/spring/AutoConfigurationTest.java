package io.github.osscallback.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.servlet.OssCallbackFilter;
import io.github.osscallback.spi.VerifierSettings;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.InputStream;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;

/** What the auto-configuration builds from properties, and how it fails on bad ones. */
class AutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OssCallbackAutoConfiguration.class));

    @Test
    void registersTheFilterFirstOnTheDefaultCallbackPaths() {
        runner.run(context -> {
            FilterRegistrationBean<?> registration = context.getBean(OssCallbackAutoConfiguration.FILTER_NAME, FilterRegistrationBean.class);
            assertTrue(registration.getFilter() instanceof OssCallbackFilter);
            assertEquals(Set.of("/oss/callback/*"), Set.copyOf(registration.getUrlPatterns()));
            assertEquals(Ordered.HIGHEST_PRECEDENCE, registration.getOrder());
            assertEquals(CallbackVerifier.DEFAULT_MAX_BODY_BYTES, context.getBean(CallbackVerifier.class).maxBodyBytes());
        });
    }

    @Test
    void bindsSettingsByTheirRelaxedNamesFromPropertiesListsAndEnvironmentVariables() {
        runner.withPropertyValues("oss.callback.paths=/a/callback,/b/*",
                        "oss.callback.key-url-prefixes[0]=http://127.0.0.1:1/one/",
                        "oss.callback.key-url-prefixes[1]=http://127.0.0.1:1/two/",
                        "oss.callback.pinned-oss-key=false")
                .withInitializer(context -> context.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("systemEnvironment", Map.of("OSS_CALLBACK_MAXBODYBYTES", "1234"))))
                .run(context -> {
                    FilterRegistrationBean<?> registration = context.getBean(OssCallbackAutoConfiguration.FILTER_NAME, FilterRegistrationBean.class);
                    assertEquals(Set.of("/a/callback", "/b/*"), Set.copyOf(registration.getUrlPatterns()));
                    CallbackVerifier verifier = context.getBean(CallbackVerifier.class);
                    assertEquals(1234, verifier.maxBodyBytes());
                    assertTrue(verifier.keyUrlPolicy().allows("http://127.0.0.1:1/two/key.pem"));
                    assertFalse(verifier.keyUrlPolicy().allows(CallbackVerifier.OSS_KEY_URL));
                });
    }

    @Test
    void aBadValueFailsStartUpNamingTheProperty() {
        assertStartUpFails(List.of("oss.callback.max-body-bytes=lots"), "oss.callback.max-body-bytes");
        assertStartUpFails(List.of("oss.callback.replay-window-seconds=-5"), "oss.callback.replay-window-seconds");
        assertStartUpFails(List.of("oss.callback.expected-body-type=xml"), "oss.callback.expected-body-type");
        assertStartUpFails(List.of("oss.callback.expected-buckets=photos"), "oss.callback.expected-buckets needs oss.callback.upload-token-keys");
        assertStartUpFails(List.of("oss.callback.paths=oss/callback"), "oss.callback.paths");
        assertStartUpFails(List.of("oss.callback.confirm-with-oss-region=cn-hangzhou"),
                "oss.callback.confirm-with-oss-region needs oss.callback.confirm-with-oss-buckets");
        assertStartUpFails(List.of("oss.callback.confirm-with-oss-buckets=photos",
                "oss.callback.confirm-with-oss-region=cn-hangzhou", "oss.callback.confirm-with-oss-endpoint=http://oss.test"),
                "oss.callback.confirm-with-oss-endpoint");
    }

    /** A misspelt property would leave its defence off without a word; the starter refuses to start instead. */
    @Test
    void anUnknownPropertyFailsStartUpNamingItAndTheNearestKnownOne() {
        assertStartUpFails(List.of("oss.callback.replay-window=600"),
                "oss.callback.replay-window is not an oss-callback property (did you mean oss.callback.replay-window-seconds?)");
        assertStartUpFails(List.of("oss.callback.expectedbodytypes=json"), "oss.callback.expectedbodytypes is not an"
                + " oss-callback property (did you mean oss.callback.expected-body-type?)");
        assertStartUpFails(List.of("oss.callback.replay-windw-seconds=600"), "oss.callback.replay-windw-seconds is not"
                + " an oss-callback property (did you mean oss.callback.replay-window-seconds?)");
        assertStartUpFails(List.of("oss.callback.jetty.header-cache=false"), "oss.callback.jetty is not");
        assertStartUpFails(List.of("oss.callback.confirm-with-oss=true"), "oss.callback.confirm-with-oss is not an"
                + " oss-callback property (did you mean oss.callback.confirm-with-oss-buckets?)");
    }

    @Test
    void anUploadTokenSecretNeverAppearsInTheStartUpFailure() {
        String shortSecret = Base64.getEncoder().encodeToString("not-long-enough".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String message = assertStartUpFails(List.of("oss.callback.upload-token-keys=k1=" + shortSecret), "oss.callback.upload-token-keys");
        assertFalse(message.contains(shortSecret), message);
    }

    private String assertStartUpFails(List<String> properties, String expected) {
        String[] message = new String[1];
        runner.withPropertyValues(properties.toArray(new String[0])).run(context -> {
            Throwable failure = context.getStartupFailure();
            assertNotNull(failure, "started with " + properties);
            StringBuilder all = new StringBuilder();
            for (Throwable t = failure; t != null; t = t.getCause()) {
                all.append(t.getMessage()).append('\n');
            }
            message[0] = all.toString();
            assertTrue(message[0].contains(expected), message[0]);
            // Boot's start-up report says it without a stack trace.
            org.springframework.boot.diagnostics.FailureAnalysis analysis = new InvalidCallbackPropertiesFailureAnalyzer().analyze(failure);
            assertNotNull(analysis, message[0]);
            assertTrue(analysis.getDescription().contains(expected), analysis.getDescription());
        });
        return message[0];
    }

    @Test
    void anApplicationsOwnVerifierIsUsedWithThePathsAndJettyProperties() {
        runner.withUserConfiguration(OwnVerifier.class)
                .withPropertyValues("oss.callback.paths=/hooks/*", "oss.callback.jetty.header-cache-case-sensitive=false")
                .run(context -> {
                    assertNull(context.getStartupFailure());
                    assertSame(OwnVerifier.VERIFIER, context.getBean(CallbackVerifier.class));
                    FilterRegistrationBean<?> registration = context.getBean(OssCallbackAutoConfiguration.FILTER_NAME,
                            FilterRegistrationBean.class);
                    assertEquals(Set.of("/hooks/*"), Set.copyOf(registration.getUrlPatterns()));
                });
    }

    /**
     * A new user's replay window and body type silently stopped applying next to a verifier bean; a
     * replay got 200. Checked with every bean lazy, as spring.main.lazy-initialization makes them.
     */
    @Test
    void anApplicationsOwnVerifierWithVerifierPropertiesFailsStartUpNamingThemAndTheCustomizer() {
        runner.withUserConfiguration(OwnVerifier.class)
                .withInitializer(context -> context.addBeanFactoryPostProcessor(
                        new org.springframework.boot.LazyInitializationBeanFactoryPostProcessor()))
                .withPropertyValues("oss.callback.replay-window-seconds=600", "oss.callback.expected-body-type=json")
                .run(context -> {
                    Throwable failure = context.getStartupFailure();
                    assertNotNull(failure, "started although both properties would be ignored");
                    org.springframework.boot.diagnostics.FailureAnalysis analysis =
                            new InvalidCallbackPropertiesFailureAnalyzer().analyze(failure);
                    assertNotNull(analysis, failure.toString());
                    assertTrue(analysis.getDescription().contains("oss.callback.replay-window-seconds,"
                            + " oss.callback.expected-body-type are set, but the application defines its own"
                            + " CallbackVerifier bean [myVerifier]"), analysis.getDescription());
                    assertTrue(analysis.getAction().contains("OssCallbackVerifierCustomizer"), analysis.getAction());
                });
    }

    /** Properties first, then the customizers in their order, on one builder; an option set twice fails start-up. */
    @Test
    void customizersSetWhatPropertiesCannotAfterThePropertiesApplied() {
        java.time.Clock fixed = java.time.Clock.fixed(java.time.Instant.parse("2026-01-01T00:00:00Z"), java.time.ZoneOffset.UTC);
        runner.withPropertyValues("oss.callback.max-body-bytes=1234")
                .withBean("clockCustomizer", OssCallbackVerifierCustomizer.class, () -> builder -> builder.clock(fixed))
                .run(context -> {
                    CallbackVerifier verifier = context.getBean(CallbackVerifier.class);
                    assertEquals(1234, verifier.maxBodyBytes());
                    assertEquals(fixed.instant(), verifier.keyStatus().at());
                });
        runner.withPropertyValues("oss.callback.max-body-bytes=1234")
                .withBean("sizeCustomizer", OssCallbackVerifierCustomizer.class, () -> builder -> builder.maxBodyBytes(10))
                .run(context -> {
                    Throwable failure = context.getStartupFailure();
                    assertNotNull(failure, "a customizer overrode a property");
                    org.springframework.boot.diagnostics.FailureAnalysis analysis =
                            new InvalidCallbackPropertiesFailureAnalyzer().analyze(failure);
                    assertNotNull(analysis, failure.toString());
                    assertTrue(analysis.getDescription().contains("maxBodyBytes was already set"), analysis.getDescription());
                });
    }

    /** Two filters would verify each callback twice, and with replay protection refuse the genuine one. */
    @Test
    void anApplicationRegisteringTheFilterItselfKeepsOnlyItsOwn() {
        runner.withUserConfiguration(OwnFilterRegistration.class).run(context -> {
            assertFalse(context.containsBean(OssCallbackAutoConfiguration.FILTER_NAME));
            assertEquals(1, context.getBeansOfType(FilterRegistrationBean.class).size());
        });
        runner.withUserConfiguration(OwnFilter.class).run(context -> {
            assertFalse(context.containsBean(OssCallbackAutoConfiguration.FILTER_NAME));
            assertEquals(1, context.getBeansOfType(OssCallbackFilter.class).size());
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFilterRegistration {
        @Bean
        FilterRegistrationBean<OssCallbackFilter> myFilter(CallbackVerifier verifier) {
            return new FilterRegistrationBean<>(new OssCallbackFilter(verifier));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFilter {
        @Bean
        OssCallbackFilter myFilter(CallbackVerifier verifier) {
            return new OssCallbackFilter(verifier);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnVerifier {
        static final CallbackVerifier VERIFIER = CallbackVerifier.builder().maxBodyBytes(10).build();

        @Bean
        CallbackVerifier myVerifier() {
            return VERIFIER;
        }
    }

    /**
     * The verifier the starter built is closed with the context: its key-fetch threads stop, so a
     * container reports none left behind by the application.
     */
    @Test
    void theVerifierAndItsKeyFetchThreadsStopWithTheContext() throws Exception {
        OssCallbackSigner oss = OssCallbackSigner.generate();
        Set<Thread> before = keyFetchThreads();
        Set<Thread> started = new java.util.HashSet<>();
        try (LoopbackKeyServer keys = LoopbackKeyServer.start().serve("/k.pem", oss.publicKeyPem())) {
            CallbackVerifier[] verifier = new CallbackVerifier[1];
            runner.withPropertyValues("oss.callback.key-url-prefixes=" + keys.baseUrl() + "/").run(context -> {
                verifier[0] = context.getBean(CallbackVerifier.class);
                verifier[0].prefetchKey(keys.url("/k.pem"));
                assertTrue(verifier[0].keyStatus().remoteFetching());
                started.addAll(keyFetchThreads());
                started.removeAll(before);
                assertFalse(started.isEmpty(), "the fetch ran on no thread of the verifier's");
            });
            assertFalse(verifier[0].keyStatus().remoteFetching(), "still fetching after the context closed");
            // Verifiers of other test applications Spring keeps in this JVM may start threads of their own
            // meanwhile; threads are named oss-callback-key-fetch-<client>-<n>, and this verifier's client is
            // the newest that started one here.
            String ours = started.stream().map(AutoConfigurationTest::clientPrefix)
                    .max(java.util.Comparator.comparingInt(prefix -> Integer.parseInt(prefix.replaceAll("\\D", ""))))
                    .orElseThrow();
            for (Thread thread : started) {
                if (thread.getName().startsWith(ours)) {
                    // Closing waits up to 5 s for each thread; on a machine whose cores are shared that can
                    // pass with the thread still on its way out, so allow it a generous while to end.
                    thread.join(30_000);
                    assertFalse(thread.isAlive(), thread + " outlived the context");
                }
            }
            for (Thread thread : keyFetchThreads()) {
                assertFalse(thread.getName().startsWith(ours), thread + " started after the context closed");
            }
        }
    }

    /** {@code oss-callback-key-fetch-4-} of {@code oss-callback-key-fetch-4-2}. */
    private static String clientPrefix(Thread thread) {
        String name = thread.getName();
        return name.substring(0, name.lastIndexOf('-') + 1);
    }

    private static Set<Thread> keyFetchThreads() {
        Set<Thread> threads = new java.util.HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("oss-callback-key-fetch-") && thread.isAlive()) {
                threads.add(thread);
            }
        }
        return threads;
    }

    @Test
    void nothingOutsideAServletWebApplication() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(OssCallbackAutoConfiguration.class))
                .run(context -> assertTrue(context.getBeansOfType(CallbackVerifier.class).isEmpty()));
    }

    /** Registered for whichever Boot line is running, when Jetty is there, unless turned off. */
    @Test
    void jettysHeaderCacheCustomizerIsRegisteredWithJettyUnlessTurnedOff() {
        // Boot 3.5 has its Jetty types in spring-boot itself: Jetty must be there too.
        boolean bootJetty = ClassUtils.isPresent("org.eclipse.jetty.server.Server", null)
                && (ClassUtils.isPresent("org.springframework.boot.jetty.JettyServerCustomizer", null)
                || ClassUtils.isPresent("org.springframework.boot.web.embedded.jetty.JettyServerCustomizer", null));
        runner.run(context -> assertEquals(bootJetty, context.containsBean(JettyHeaderCacheRegistrar.BEAN_NAME)));
        runner.withPropertyValues("oss.callback.jetty.header-cache-case-sensitive=false")
                .run(context -> assertFalse(context.containsBean(JettyHeaderCacheRegistrar.BEAN_NAME)));
    }

    /** IDEs complete every setting the core understands, by the name the starter binds. */
    @Test
    void configurationMetadataListsEverySetting() throws Exception {
        // Boot's own jars have a file of that name too: read the starter's.
        String starter = OssCallbackAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        java.net.URL ours = null;
        for (java.net.URL url : java.util.Collections.list(getClass().getClassLoader().getResources("META-INF/spring-configuration-metadata.json"))) {
            if (url.getPath().contains(starter)) {
                ours = url;
            }
        }
        assertNotNull(ours, "no metadata in " + starter);
        JsonNode metadata;
        try (InputStream in = ours.openStream()) {
            metadata = new ObjectMapper().readTree(in);
        }
        Set<String> listed = new TreeSet<>();
        for (JsonNode property : metadata.get("properties")) {
            listed.add(property.get("name").asText());
            assertFalse(property.get("description").asText().isBlank(), property.toString());
        }
        Set<String> expected = new TreeSet<>(Set.of(CallbackProperties.PATHS, CallbackProperties.JETTY_HEADER_CACHE));
        for (String setting : VerifierSettings.NAMES) {
            expected.add(CallbackProperties.propertyName(setting));
        }
        expected.add(EventProperties.PATHS);
        for (String setting : io.github.osscallback.spi.EventSettings.NAMES) {
            expected.add(EventProperties.propertyName(setting));
        }
        assertEquals(expected, listed);
        assertEquals("oss.callback.key-url-prefixes", CallbackProperties.propertyName("keyUrlPrefixes"));
        assertEquals("oss.callback.events.mns-regions", EventProperties.propertyName("mnsRegions"));
    }
}
