package io.github.osscallback.gateway;

import java.util.Set;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Removes {@link OssCallbackGatewayFilterFactory#VERIFIED_HEADER} from every routed request, on
 * routes without the {@code OssCallback} filter too, so a client cannot send the gateway's mark to a
 * downstream through any route. It runs before every route filter, the {@code OssCallback} filter's
 * setting of the header included (a global filter precedes a route filter of the same order).
 */
final class VerifiedHeaderRemoval implements GlobalFilter, Ordered {

    private static final Set<String> NAME = Set.of(OssCallbackGatewayFilterFactory.VERIFIED_HEADER.toLowerCase(java.util.Locale.ROOT));

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        HttpHeaders incoming = exchange.getRequest().getHeaders();
        boolean[] present = {false};
        incoming.forEach((name, values) -> present[0] |= NAME.contains(name.toLowerCase(java.util.Locale.ROOT)));
        if (!present[0]) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = VerifiedRequest.withoutHeaders(incoming, NAME);
        return chain.filter(exchange.mutate().request(new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public HttpHeaders getHeaders() {
                return headers;
            }
        }).build());
    }
}
