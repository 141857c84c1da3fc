package io.github.osscallback.spring;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.servlet.OssCallbackFilter;
import jakarta.servlet.DispatcherType;
import java.util.List;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * OSS callbacks in a Spring Boot servlet application: the verifying {@link OssCallbackFilter} on
 * {@code oss.callback.paths} (default {@code /oss/callback/*}) ahead of every other filter, so no
 * earlier filter can read the body away and Spring Security sees only verified callbacks; a
 * {@link CallbackVerifier} from the {@code oss.callback.*} properties and the application's
 * {@link OssCallbackVerifierCustomizer} beans, unless the application defines its own verifier
 * (then setting a verifier property fails start-up: it would be ignored); and, with Spring MVC,
 * {@code OssCallback} and {@link OssCallbackBody} handler arguments and {@code CallbackReply}
 * return values. On embedded Jetty the header cache is made
 * case-sensitive. Works on Spring Boot 4.0 and 3.5.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({OssCallbackFilter.class, FilterRegistrationBean.class})
@Import(JettyHeaderCacheRegistrar.class)
public class OssCallbackAutoConfiguration {

    /** The filter registration's bean name and filter name. */
    static final String FILTER_NAME = "ossCallbackFilter";

    /** For Spring only. */
    public OssCallbackAutoConfiguration() {
    }

    /**
     * The verifier from the {@code oss.callback.*} properties; closed by Spring with the context.
     * It reports to the application's {@link CallbackListener} beans (the starter's meters among
     * them), and the application's {@link OssCallbackVerifierCustomizer} beans set what the
     * properties cannot say.
     *
     * @throws IllegalStateException naming the property when one is invalid, so start-up fails
     */
    @Bean
    @ConditionalOnMissingBean
    CallbackVerifier ossCallbackVerifier(Environment environment, ObjectProvider<CallbackListener> listeners,
                                         ObjectProvider<OssCallbackVerifierCustomizer> customizers) {
        return PropertiesVerifier.build(environment, listeners.orderedStream().toList(),
                customizers.orderedStream().toList());
    }

    /**
     * Fails start-up when the application defines its own verifier and sets verifier properties,
     * which its verifier never reads. Checked on the bean definitions, not by a condition, so the
     * verifier beans of every source (configuration classes, scanned components) are seen. Never
     * lazy, so {@code spring.main.lazy-initialization} does not skip the check.
     */
    @Bean
    @Lazy(false)
    InitializingBean ossCallbackPropertiesApplied(Environment environment, ConfigurableListableBeanFactory beans) {
        return () -> PropertiesVerifier.refuseUnreadBesideOwnVerifiers(environment, beans,
                OssCallbackAutoConfiguration.class);
    }

    /**
     * The verifying filter on the callback paths, first of all filters. An application that
     * registers {@link OssCallbackFilter} itself keeps its own: two filters would verify each
     * callback twice, and with replay protection refuse the genuine one as a replay.
     */
    @Bean(FILTER_NAME)
    @ConditionalOnMissingBean(value = OssCallbackFilter.class, parameterizedContainer = FilterRegistrationBean.class)
    FilterRegistrationBean<OssCallbackFilter> ossCallbackFilter(CallbackVerifier verifier, Environment environment) {
        List<String> paths = CallbackProperties.paths(environment);
        FilterRegistrationBean<OssCallbackFilter> registration = new FilterRegistrationBean<>(new OssCallbackFilter(verifier));
        registration.setName(FILTER_NAME);
        registration.setUrlPatterns(paths);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Spring MVC handler arguments and return values. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebMvcConfigurer.class)
    static class Mvc {

        @Bean
        WebMvcConfigurer ossCallbackArguments() {
            return new WebMvcConfigurer() {
                @Override
                public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                    resolvers.add(new CallbackArgumentResolver());
                }
            };
        }

        @Bean
        CallbackExceptionResolver ossCallbackExceptionResolver() {
            return new CallbackExceptionResolver();
        }

        @Bean
        static BeanPostProcessor ossCallbackReplies() {
            return new CallbackReplyHandler.First();
        }
    }
}
