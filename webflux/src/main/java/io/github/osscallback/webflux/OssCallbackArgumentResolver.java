package io.github.osscallback.webflux;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.OssCallback;
import java.lang.annotation.Annotation;
import org.springframework.core.MethodParameter;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Handler arguments of annotated WebFlux controllers: an {@link OssCallback} parameter gets the
 * verified callback, and a parameter annotated {@link OssCallbackBody} (or the Spring Boot
 * starter's annotation of that name) gets its body bound to the parameter's type. A body that
 * does not bind is refused with its reason, answered by {@link OssCallbackWebFilter}; a handler
 * taking these on a path the filter does not cover fails with an {@link IllegalStateException}
 * naming the fix (a configuration mistake, not a request to refuse).
 */
public final class OssCallbackArgumentResolver implements HandlerMethodArgumentResolver {

    /** The starter's annotation, recognised by name: it lives in the starter, which this module does not see. */
    static final String STARTER_BODY_ANNOTATION = "io.github.osscallback.spring.OssCallbackBody";

    /** For Spring, or to register by hand in {@code WebFluxConfigurer.configureArgumentResolvers}. */
    public OssCallbackArgumentResolver() {
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == OssCallback.class || bindsBody(parameter);
    }

    private static boolean bindsBody(MethodParameter parameter) {
        for (Annotation annotation : parameter.getParameterAnnotations()) {
            Class<? extends Annotation> type = annotation.annotationType();
            if (type == OssCallbackBody.class || type.getName().equals(STARTER_BODY_ANNOTATION)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext,
                                        ServerWebExchange exchange) {
        OssCallback callback = exchange.getAttribute(OssCallbackWebFilter.CALLBACK_ATTRIBUTE);
        if (callback == null) {
            return Mono.error(new IllegalStateException("handler " + parameter.getExecutable()
                    + " takes a verified OSS callback, but OssCallbackWebFilter did not verify this request: add its"
                    + " path to the filter's paths (oss.callback.paths with the starter)"));
        }
        if (parameter.getParameterType() == OssCallback.class && !bindsBody(parameter)) {
            return Mono.just(callback);
        }
        try {
            return Mono.just(callback.bind(parameter.getParameterType()));
        } catch (CallbackRejectedException e) {
            return Mono.error(e);
        }
    }
}
