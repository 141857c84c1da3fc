package io.github.osscallback.gateway;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ORIGINAL_REQUEST_URL_ATTR;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import io.github.osscallback.webflux.ExchangeVerification;
import io.github.osscallback.webflux.OssCallbackWebFilter;
import java.net.URI;
import java.util.Collection;
import java.util.Locale;
import org.springframework.cloud.gateway.filter.GatewayFilter;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The {@code OssCallback} route filter. First of the route's filters ({@link Ordered#HIGHEST_PRECEDENCE}):
 * no route filter has read the body or rewritten the request before it, and its hold on the response
 * is in place before the gateway's {@code NettyWriteResponseFilter} (order -1) writes the
 * downstream's reply. Should an application order it later all the same, it still verifies the
 * target OSS called: the first URI Spring Cloud Gateway records in
 * {@code GATEWAY_ORIGINAL_REQUEST_URL_ATTR} before a path filter rewrites the request.
 */
final class VerifyingFilter implements GatewayFilter, Ordered {

    static final String NAME = "OssCallbackGatewayFilter";
    private static final System.Logger LOG = System.getLogger(OssCallbackGatewayFilterFactory.class.getName());

    private final CallbackEndpoint endpoint;

    VerifyingFilter(CallbackVerifier verifier) {
        this.endpoint = CallbackEndpoint.of(NAME, verifier, LOG);
    }

    /**
     * Fails at start-up, not at the first callback, on a Spring Framework older than 6.0.5, whose
     * data buffers the non-blocking reading cannot use (every callback would fail).
     */
    static void requireSupportedSpring() {
        try {
            org.springframework.core.io.buffer.DataBuffer.class.getMethod("readableByteBuffers");
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("oss-callback-gateway needs Spring Framework 6.0.5 or later (Spring Cloud"
                    + " Gateway 4.1+, Spring Boot 3.1+); this application runs "
                    + org.springframework.core.SpringVersion.getVersion(), e);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        OssCallback earlier = exchange.getAttribute(OssCallbackWebFilter.CALLBACK_ATTRIBUTE);
        if (earlier != null) {
            // The starter's web filter verified it already (the route's path is one of oss.callback.paths)
            // and holds the reply: verifying twice would refuse it as a replay where replays are checked.
            return chain.filter(forwarded(exchange, earlier, false));
        }
        return ExchangeVerification.verify(endpoint, exchange.getRequest(), signedTarget(exchange))
                .materialize()
                .flatMap(signal -> {
                    if (signal.hasValue()) {
                        return chain.filter(forwarded(exchange, signal.get(), true));
                    }
                    if (signal.isOnError() && signal.getThrowable() instanceof CallbackRejectedException rejection) {
                        // logged by the endpoint, once; never routed
                        return ExchangeVerification.reject(exchange, rejection);
                    }
                    return Mono.error(signal.isOnError() ? signal.getThrowable()
                            : new IllegalStateException("verification ended without an outcome"));
                });
    }

    /** What OSS called: the request's URI before any route filter rewrote it. */
    static URI signedTarget(ServerWebExchange exchange) {
        Collection<URI> originals = exchange.getAttribute(GATEWAY_ORIGINAL_REQUEST_URL_ATTR);
        if (originals != null && !originals.isEmpty()) {
            return originals.iterator().next(); // a LinkedHashSet: the first is the request as received
        }
        return exchange.getRequest().getURI();
    }

    private ServerWebExchange forwarded(ServerWebExchange exchange, OssCallback callback, boolean holdReply) {
        ServerHttpRequest request = new VerifiedRequest(exchange.getRequest(), callback, facts(callback));
        ServerWebExchange.Builder mutated = exchange.mutate().request(request);
        if (holdReply) {
            mutated.response(ExchangeVerification.heldReply(exchange.getResponse(), endpoint));
        }
        ServerWebExchange forwarded = mutated.build();
        forwarded.getAttributes().put(OssCallbackWebFilter.CALLBACK_ATTRIBUTE, callback);
        return forwarded;
    }

    /** The value of {@link OssCallbackGatewayFilterFactory#VERIFIED_HEADER}: facts, never a value from the body. */
    static String facts(OssCallback callback) {
        String facts = "signature, body=" + callback.bodyType().name().toLowerCase(Locale.ROOT);
        return callback.bodyProblem().isPresent() ? facts + ", body-problem" : facts;
    }

    @Override
    public String toString() {
        return "[OssCallback " + endpoint.verifier() + "]";
    }
}
