package io.github.osscallback.webflux;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssEvent;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Handler arguments of annotated WebFlux controllers under {@link OssEventWebFilter}'s paths: an
 * {@link EventDelivery} parameter gets the verified delivery, an {@link OssEvent} parameter its one
 * OSS event. A handler taking these on a path the filter does not cover, or an {@code OssEvent}
 * of a delivery holding none or several (the others would be lost), fails with an
 * {@link IllegalStateException} naming the fix; the filter then releases the delivery for a retry.
 */
public final class OssEventArgumentResolver implements HandlerMethodArgumentResolver {

    /** For Spring, or to register by hand in {@code WebFluxConfigurer.configureArgumentResolvers}. */
    public OssEventArgumentResolver() {
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == EventDelivery.class || parameter.getParameterType() == OssEvent.class;
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext,
                                        ServerWebExchange exchange) {
        EventDelivery delivery = exchange.getAttribute(OssEventWebFilter.DELIVERY_ATTRIBUTE);
        if (delivery == null) {
            return Mono.error(new IllegalStateException("handler " + parameter.getExecutable() + " takes a verified"
                    + " OSS event, but OssEventWebFilter did not verify this request: add its path to the filter's"
                    + " paths (oss.callback.events.paths with the starter)"));
        }
        if (parameter.getParameterType() == EventDelivery.class) {
            return Mono.just(delivery);
        }
        if (delivery.ossEvents().size() != 1) {
            return Mono.error(new IllegalStateException("handler " + parameter.getExecutable() + " takes one OssEvent,"
                    + " and " + delivery + " holds " + delivery.ossEvents().size() + ": take EventDelivery and handle"
                    + " each of its ossEvents()"));
        }
        return Mono.just(delivery.ossEvents().get(0));
    }
}
