package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.webflux.OssCallbackWebFluxConfiguration;
import io.github.osscallback.webflux.OssEventWebFilter;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;

/**
 * OSS event deliveries in a Spring Boot WebFlux application, from the same
 * {@code oss.callback.events.*} properties as on the servlet stack: the {@link EventVerifier},
 * the non-blocking {@link OssEventWebFilter} on {@code oss.callback.events.paths}, and
 * {@code EventDelivery} and {@code OssEvent} handler arguments. Works on Spring Boot 4.0 and 3.5
 * on Reactor Netty.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass({OssEventWebFilter.class, org.springframework.web.server.WebFilter.class})
@Conditional(EventProperties.Configured.class)
// MNS signs Content-Type, which Jetty's case-insensitive header cache may hand over re-cased.
@Import({OssCallbackWebFluxConfiguration.class, JettyHeaderCacheRegistrar.class})
public class OssEventReactiveAutoConfiguration {

    private static final System.Logger LOG = System.getLogger(OssEventWebFilter.class.getName());

    /** For Spring only. */
    public OssEventReactiveAutoConfiguration() {
    }

    /** As on the servlet stack: see {@link OssEventAutoConfiguration}. */
    @Bean
    @ConditionalOnMissingBean
    EventVerifier ossEventVerifier(Environment environment, ObjectProvider<CallbackListener> listeners,
                                   ConfigurableListableBeanFactory beans) {
        return EventProperties.build(environment, EventProperties.listeners(listeners.orderedStream().toList(),
                EventMeters.listener(beans)));
    }

    /** Event verifier properties next to the application's own event verifier fail start-up, as on the servlet stack. */
    @Bean
    @Lazy(false)
    InitializingBean ossEventPropertiesApplied(Environment environment, ConfigurableListableBeanFactory beans) {
        return () -> EventMeters.refuseUnreadBesideOwnVerifier(environment, beans,
                OssEventReactiveAutoConfiguration.class);
    }

    /** The verifying web filter on the event paths; an application's own {@link OssEventWebFilter} wins. */
    @Bean
    @ConditionalOnMissingBean(OssEventWebFilter.class)
    OssEventWebFilter ossEventWebFilter(EventVerifier verifier, Environment environment) {
        return new OssEventWebFilter(EventProperties.endpoint("OssEventWebFilter", verifier, environment, LOG),
                EventProperties.paths(environment));
    }
}
