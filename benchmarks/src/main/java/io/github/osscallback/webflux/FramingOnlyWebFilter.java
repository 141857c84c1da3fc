package io.github.osscallback.webflux;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.spi.CallbackEndpoint;
import java.util.function.Function;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * For the benchmarks only (in this package for {@code VerifiedExchange.ExactLengthResponse}, which
 * is not API): buffers the body as a buffer-only filter does, then holds the reply exactly as
 * {@link OssCallbackWebFilter} does, without verifying. Against the buffer-only filter, what the
 * reply framing costs apart.
 */
public final class FramingOnlyWebFilter implements WebFilter {

    private final CallbackEndpoint endpoint;
    private final String prefix;
    private final Function<ServerWebExchange, Mono<ServerWebExchange>> buffering;

    /** {@code buffering} reads the body and gives an exchange that replays it (the buffer-only filter's step). */
    public FramingOnlyWebFilter(CallbackVerifier verifier, String prefix,
                                Function<ServerWebExchange, Mono<ServerWebExchange>> buffering) {
        this.endpoint = CallbackEndpoint.of("FramingOnlyWebFilter", verifier,
                System.getLogger(FramingOnlyWebFilter.class.getName()));
        this.prefix = prefix;
        this.buffering = buffering;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (!exchange.getRequest().getPath().value().startsWith(prefix)) {
            return chain.filter(exchange);
        }
        return buffering.apply(exchange).flatMap(buffered -> chain.filter(buffered.mutate()
                .response(new VerifiedExchange.ExactLengthResponse(buffered.getResponse(), endpoint)).build()));
    }
}
