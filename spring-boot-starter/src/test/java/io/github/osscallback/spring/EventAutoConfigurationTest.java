package io.github.osscallback.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.EventVerifier;
import io.github.osscallback.servlet.OssEventFilter;
import io.github.osscallback.webflux.OssEventWebFilter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The event auto-configurations: on only when asked, their filter first, their properties checked as strictly as the callbacks'. */
class EventAutoConfigurationTest {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(OssCallbackAutoConfiguration.class, OssEventAutoConfiguration.class));

    @Test
    void withoutEventPropertiesThereIsNoEventVerifierNorFilter() {
        runner.run(context -> {
            assertFalse(context.containsBean("ossEventVerifier"));
            assertFalse(context.containsBean(OssEventAutoConfiguration.FILTER_NAME));
        });
    }

    @Test
    void anEventPropertyRegistersTheFilterFirstOnTheDefaultEventPaths() {
        runner.withPropertyValues("oss.callback.events.mns-regions=cn-hangzhou",
                "oss.callback.events.max-body-bytes=4096").run(context -> {
            FilterRegistrationBean<?> registration = context.getBean(OssEventAutoConfiguration.FILTER_NAME,
                    FilterRegistrationBean.class);
            assertTrue(registration.getFilter() instanceof OssEventFilter);
            assertEquals(Set.of("/oss/events/*"), Set.copyOf(registration.getUrlPatterns()));
            assertEquals(Ordered.HIGHEST_PRECEDENCE, registration.getOrder());
            assertEquals(4096, context.getBean(EventVerifier.class).maxBodyBytes());
        });
    }

    @Test
    void aMisspeltEventPropertyFailsStartUpNamingTheNearest() {
        assertStartUpFails(List.of("oss.callback.events.mns-region=cn-hangzhou"), "oss.callback.events.mns-region is"
                + " not an oss-callback property (did you mean oss.callback.events.mns-regions?)");
        assertStartUpFails(List.of("oss.callback.events.duplicate-window=60"),
                "did you mean oss.callback.events.duplicate-window-seconds?");
        assertStartUpFails(List.of("oss.callback.event.paths=/e/*"), "oss.callback.event is not an oss-callback property");
    }

    @Test
    void badOrContradictoryEventSettingsFailStartUpByPropertyName() {
        assertStartUpFails(List.of("oss.callback.events.mns-regions=cn-hangzhou",
                "oss.callback.events.mns-certificate-prefixes=https://certs.example/"), "set oss.callback.events.mns-regions"
                + " or oss.callback.events.mns-certificate-prefixes");
        assertStartUpFails(List.of("oss.callback.events.mns-regions=cn-hangzhou",
                "oss.callback.events.max-body-bytes=-1"), "oss.callback.events.max-body-bytes must be a positive");
        assertStartUpFails(List.of("oss.callback.events.mns-regions=cn-hangzhou",
                "oss.callback.events.paths=/oss/callback/*"), "both name /oss/callback/*");
        String token = "s3cret-token-value";
        String message = assertStartUpFails(List.of("oss.callback.events.event-bridge-token=" + token),
                "accept MNS or EventBridge deliveries");
        assertFalse(message.contains(token), message);
    }

    @Test
    void eventPropertiesBesideTheApplicationsOwnVerifierFailStartUp() {
        runner.withUserConfiguration(OwnEventVerifier.class)
                .withPropertyValues("oss.callback.events.mns-regions=cn-hangzhou")
                .run(context -> assertNotNull(context.getStartupFailure()));
        runner.withUserConfiguration(OwnEventVerifier.class)
                .withPropertyValues("oss.callback.events.paths=/hooks/events/*")
                .run(context -> {
                    FilterRegistrationBean<?> registration = context.getBean(OssEventAutoConfiguration.FILTER_NAME,
                            FilterRegistrationBean.class);
                    assertEquals(Set.of("/hooks/events/*"), Set.copyOf(registration.getUrlPatterns()));
                });
    }

    @Test
    void theReactiveSideRegistersTheNonBlockingFilter() {
        new ReactiveWebApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(OssEventReactiveAutoConfiguration.class))
                .withPropertyValues("oss.callback.events.event-bridge-regions=cn-hangzhou",
                        "oss.callback.events.paths=/hooks/*")
                .run(context -> assertEquals(List.of("/hooks/*"), context.getBean(OssEventWebFilter.class).paths()));
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnEventVerifier {
        @Bean
        EventVerifier myEventVerifier() {
            return EventVerifier.builder().acceptMns().build();
        }
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
        });
        return message[0];
    }
}
