package io.github.osscallback.webflux;

import io.github.osscallback.CallbackReply;
import org.springframework.core.Ordered;
import org.springframework.core.ReactiveAdapter;
import org.springframework.core.ReactiveAdapterRegistry;
import org.springframework.core.ResolvableType;
import org.springframework.web.reactive.HandlerResult;
import org.springframework.web.reactive.HandlerResultHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Sends a {@link CallbackReply} returned by a handler (as it is, or in a {@code Mono} or another
 * single-value reactive type) with its status, its headers, {@code application/json} and an exact
 * Content-Length. Ahead of Spring's own result handlers, which would otherwise write it as a bean.
 */
public final class CallbackReplyResultHandler implements HandlerResultHandler, Ordered {

    /** Before {@code ResponseEntityResultHandler} (0) and {@code ResponseBodyResultHandler} (100). */
    public static final int ORDER = -10;

    private final ReactiveAdapterRegistry adapters = ReactiveAdapterRegistry.getSharedInstance();

    /** For Spring: a bean of this type is found by the {@code DispatcherHandler}. */
    public CallbackReplyResultHandler() {
    }

    @Override
    public boolean supports(HandlerResult result) {
        ResolvableType type = result.getReturnType();
        Class<?> raw = type.resolve(Object.class);
        if (CallbackReply.class.isAssignableFrom(raw)) {
            return true;
        }
        ReactiveAdapter adapter = adapters.getAdapter(raw);
        return adapter != null && !adapter.isMultiValue() && !adapter.isNoValue()
                && CallbackReply.class.isAssignableFrom(type.getGeneric(0).resolve(Object.class));
    }

    @Override
    public Mono<Void> handleResult(ServerWebExchange exchange, HandlerResult result) {
        Object value = result.getReturnValue();
        ReactiveAdapter adapter = value == null ? null : adapters.getAdapter(result.getReturnType().resolve(Object.class));
        Mono<?> reply = adapter != null ? Mono.from(adapter.toPublisher(value)) : Mono.justOrEmpty(value);
        return reply.cast(CallbackReply.class)
                .flatMap(r -> OssCallbackWebFilter.write(exchange.getResponse(), r))
                .switchIfEmpty(Mono.defer(() -> OssCallbackWebFilter.write(exchange.getResponse(), CallbackReply.ok())));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
