package io.github.osscallback.spring;

import io.github.osscallback.CallbackVerifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * An Actuator health indicator for the verifier's keys, named {@code ossCallback} in
 * {@code /actuator/health} and turned off by {@code management.health.osscallback.enabled=false}
 * (see {@link KeyHealth} for what each status means). Boot 4 moved the health types to
 * {@code org.springframework.boot.health}; each line has its own guarded configuration below.
 */
@AutoConfiguration(after = {OssCallbackAutoConfiguration.class, OssCallbackReactiveAutoConfiguration.class})
@ConditionalOnSingleCandidate(CallbackVerifier.class)
public final class OssCallbackHealthAutoConfiguration {

    /** The indicator's bean name; Actuator shows it as {@code ossCallback}. */
    static final String INDICATOR_BEAN = "ossCallbackHealthIndicator";
    /** The name in {@code management.health.<name>.enabled}. */
    static final String INDICATOR_NAME = "osscallback";

    /** For Spring only. */
    public OssCallbackHealthAutoConfiguration() {
    }

    /**
     * Boot 4: compiled against its health types. The enabled condition is a Boot 4 type too, so
     * it sits one class further in, read only once the types are known to be there.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
    static class Boot4 {

        /** Guarded again: a component scan of this package (the starter's tests do one) reaches it directly. */
        @Configuration(proxyBeanMethods = false)
        @ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
        @ConditionalOnEnabledHealthIndicator(INDICATOR_NAME)
        static class Enabled {

            @Bean(INDICATOR_BEAN)
            HealthIndicator ossCallbackHealthIndicator(CallbackVerifier verifier) {
                KeyHealth keys = new KeyHealth(verifier);
                return () -> {
                    KeyHealth.Report report = keys.report();
                    return Health.status(report.status()).withDetails(report.details()).build();
                };
            }
        }
    }

    /** Boot 3.5: its health types by name, since this jar is compiled against Boot 4. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = Boot3HealthIndicatorRegistrar.INDICATOR_TYPE)
    @Conditional(Boot3HealthIndicatorRegistrar.Enabled.class)
    @Import(Boot3HealthIndicatorRegistrar.class)
    static class Boot3 {
    }
}
