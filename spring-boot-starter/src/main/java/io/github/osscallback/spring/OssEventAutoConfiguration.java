package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.servlet.OssEventFilter;
import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * OSS event deliveries (MNS, EventBridge) in a Spring Boot servlet application, when an
 * {@code oss.callback.events.*} property is set: an {@link EventVerifier} from those properties
 * (unless the application defines its own; then verifier properties fail start-up), heard by the
 * event meters and the application's {@link CallbackListener} beans; {@link OssEventFilter} on
 * {@code oss.callback.events.paths} (default {@code /oss/events/*}) ahead of every other filter;
 * and, with Spring MVC, {@code EventDelivery} and {@code OssEvent} handler arguments. Works on
 * Spring Boot 4.0 and 3.5.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({OssEventFilter.class, FilterRegistrationBean.class})
@Conditional(EventProperties.Configured.class)
// MNS signs Content-Type, which Jetty's case-insensitive header cache may hand over re-cased.
@Import(JettyHeaderCacheRegistrar.class)
public class OssEventAutoConfiguration {

    /** The filter registration's bean name and filter name. */
    static final String FILTER_NAME = "ossEventFilter";
    private static final System.Logger LOG = System.getLogger(OssEventFilter.class.getName());

    /** For Spring only. */
    public OssEventAutoConfiguration() {
    }

    /** The verifier from the {@code oss.callback.events.*} properties; closed by Spring with the context. */
    @Bean
    @ConditionalOnMissingBean
    EventVerifier ossEventVerifier(Environment environment, ObjectProvider<CallbackListener> listeners,
                                   ConfigurableListableBeanFactory beans) {
        return EventProperties.build(environment, EventProperties.listeners(listeners.orderedStream().toList(),
                EventMeters.listener(beans)));
    }

    /** Event verifier properties next to the application's own event verifier fail start-up: they would be ignored. */
    @Bean
    @Lazy(false)
    InitializingBean ossEventPropertiesApplied(Environment environment, ConfigurableListableBeanFactory beans) {
        return () -> EventMeters.refuseUnreadBesideOwnVerifier(environment, beans, OssEventAutoConfiguration.class);
    }

    /**
     * The verifying filter on the event paths, first of all filters. An application that
     * registers {@link OssEventFilter} itself keeps its own.
     */
    @Bean(FILTER_NAME)
    @ConditionalOnMissingBean(value = OssEventFilter.class, parameterizedContainer = FilterRegistrationBean.class)
    FilterRegistrationBean<OssEventFilter> ossEventFilter(EventVerifier verifier, Environment environment) {
        List<String> paths = EventProperties.paths(environment);
        FilterRegistrationBean<OssEventFilter> registration = new FilterRegistrationBean<>(
                new OssEventFilter(EventProperties.endpoint("OssEventFilter", verifier, environment, LOG)));
        registration.setName(FILTER_NAME);
        registration.setUrlPatterns(paths);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Spring MVC handler arguments. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebMvcConfigurer.class)
    static class Mvc {

        @Bean
        WebMvcConfigurer ossEventArguments() {
            return new WebMvcConfigurer() {
                @Override
                public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                    resolvers.add(new EventArgumentResolver());
                }
            };
        }
    }
}
