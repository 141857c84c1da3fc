package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.webflux.OssCallbackWebFilter;
import io.github.osscallback.webflux.OssCallbackWebFluxConfiguration;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * OSS callbacks in a Spring Boot WebFlux application, from the same {@code oss.callback.*}
 * properties as on the servlet stack: a {@link CallbackVerifier} from the properties, listener
 * beans and {@link OssCallbackVerifierCustomizer}s (unless the application defines its own, and
 * then verifier properties fail start-up, as on the servlet stack); the non-blocking
 * {@link OssCallbackWebFilter} on {@code oss.callback.paths}, first of all web filters; and
 * {@code OssCallback} and {@link OssCallbackBody} handler arguments and {@code CallbackReply}
 * return values. On embedded Jetty the header cache is made case-sensitive. Works on Spring Boot 4.0
 * and 3.5 on Reactor Netty and Jetty.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({OssCallbackWebFilter.class, org.springframework.web.server.WebFilter.class})
// Reactive Jetty has the same header cache, and Boot applies JettyServerCustomizers to it too.
@Import({OssCallbackWebFluxConfiguration.class, JettyHeaderCacheRegistrar.class})
public class OssCallbackReactiveAutoConfiguration {

    /** For Spring only. */
    public OssCallbackReactiveAutoConfiguration() {
    }

    /** As on the servlet stack: see {@link OssCallbackAutoConfiguration}. */
    @Bean
    @ConditionalOnMissingBean
    CallbackVerifier ossCallbackVerifier(Environment environment, ObjectProvider<CallbackListener> listeners,
                                         ObjectProvider<OssCallbackVerifierCustomizer> customizers) {
        return PropertiesVerifier.build(environment, listeners.orderedStream().toList(),
                customizers.orderedStream().toList());
    }

    /** Verifier properties next to the application's own verifier fail start-up, as on the servlet stack. */
    @Bean
    @Lazy(false)
    InitializingBean ossCallbackPropertiesApplied(Environment environment, ConfigurableListableBeanFactory beans) {
        return () -> PropertiesVerifier.refuseUnreadBesideOwnVerifiers(environment, beans,
                OssCallbackReactiveAutoConfiguration.class);
    }

    /**
     * The verifying web filter on the callback paths. An application that declares its own
     * {@link OssCallbackWebFilter} keeps it: two would verify each callback twice.
     */
    @Bean
    @ConditionalOnMissingBean(OssCallbackWebFilter.class)
    OssCallbackWebFilter ossCallbackWebFilter(CallbackVerifier verifier, Environment environment) {
        return new OssCallbackWebFilter(verifier, CallbackProperties.paths(environment));
    }
}
