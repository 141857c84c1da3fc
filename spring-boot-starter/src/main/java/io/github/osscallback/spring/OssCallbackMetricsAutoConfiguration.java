package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.micrometer.OssCallbackMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer meters for OSS callbacks, when the application has a {@link MeterRegistry}:
 * {@code oss.callback.requests} (counter; tags {@code outcome} = {@code accepted} or
 * {@code rejected}, {@code reason} = the rejection's reason code or {@code none}) and
 * {@code oss.callback.key.fetch} (timer; tag {@code outcome} = {@code success} or
 * {@code failure}). They come from {@link OssCallbackMetrics} (module {@code oss-callback-micrometer},
 * usable without Spring) as a {@link CallbackListener} bean named {@value #LISTENER_BEAN}, which
 * the verifier the starter builds hears; an application that defines its own
 * {@code CallbackVerifier} passes that bean to its builder.
 */
@AutoConfiguration(afterName = {
        // Where the registry comes from, on Boot 4 and on Boot 3.5.
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class OssCallbackMetricsAutoConfiguration {

    /** The meters' listener bean. */
    public static final String LISTENER_BEAN = "ossCallbackMetrics";

    /** For Spring only. */
    public OssCallbackMetricsAutoConfiguration() {
    }

    @Bean(LISTENER_BEAN)
    CallbackListener ossCallbackMetrics(MeterRegistry registry) {
        return OssCallbackMetrics.bind(registry);
    }
}
