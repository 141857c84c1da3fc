package io.github.osscallback.webflux;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/**
 * The handler side for plain WebFlux (the Spring Boot starter does this by itself): import it
 * next to {@code @EnableWebFlux} and declare an {@link OssCallbackWebFilter} bean, and annotated
 * controllers take {@code OssCallback} and {@link OssCallbackBody} arguments (and, under an
 * {@link OssEventWebFilter}, {@code EventDelivery} and {@code OssEvent} ones) and return
 * {@code CallbackReply} (or a {@code Mono} of one).
 */
@Configuration(proxyBeanMethods = false)
public class OssCallbackWebFluxConfiguration {

    /** For Spring only. */
    public OssCallbackWebFluxConfiguration() {
    }

    /** The argument resolver, registered with WebFlux. */
    @Bean
    public WebFluxConfigurer ossCallbackArguments() {
        return new WebFluxConfigurer() {
            @Override
            public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(new OssCallbackArgumentResolver());
                configurer.addCustomResolver(new OssEventArgumentResolver());
            }
        };
    }

    /** {@code CallbackReply} return values; the {@code DispatcherHandler} finds it as a bean. */
    @Bean
    public CallbackReplyResultHandler ossCallbackReplies() {
        return new CallbackReplyResultHandler();
    }
}
