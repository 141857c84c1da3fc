package io.github.osscallback.gateway;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.RawTargetTally;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.gateway.route.builder.RouteLocatorBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.web.server.WebFilter;

/**
 * A gateway application as a user writes one: the routes of {@code application.yml} (filters
 * {@code OssCallback}, with and without {@code StripPrefix} and {@code RewritePath}), one route in
 * the Java DSL that orders the filter after a {@code StripPrefix}, the verifier from the starter's
 * properties, a listener counting accepted callbacks, and a web filter marking what reached the gateway.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class EdgeApplication {

    /** Callbacks the verifier accepted. */
    static final AtomicInteger ACCEPTED = new AtomicInteger();
    /** Case ids of requests that got past the server to the application's web filters. */
    static final Set<String> REACHED = ConcurrentHashMap.newKeySet();

    @Bean
    RouteLocator dslRoutes(RouteLocatorBuilder routes, OssCallbackGatewayFilterFactory ossCallback,
                           @Value("${edge.downstream}") String downstream) {
        return routes.routes()
                // Wrapped to run after StripPrefix (order 0 in the DSL; the filter's own order would
                // ignore the 10): it must still verify what OSS called, not the stripped path.
                .route("late", r -> r.path("/late/**")
                        .filters(f -> f.stripPrefix(1)
                                .filter((exchange, chain) -> ossCallback.filter().filter(exchange, chain), 10))
                        .uri(downstream))
                .build();
    }

    @Bean
    CallbackListener acceptedCounter() {
        return new CallbackListener() {
            @Override
            public void accepted(OssCallback callback) {
                ACCEPTED.incrementAndGet();
            }
        };
    }

    @Bean
    WebFilter marker() {
        return new WebFilterMarker();
    }

    static final class WebFilterMarker implements WebFilter, Ordered {
        @Override
        public reactor.core.publisher.Mono<Void> filter(org.springframework.web.server.ServerWebExchange exchange,
                                                        org.springframework.web.server.WebFilterChain chain) {
            String id = exchange.getRequest().getHeaders().getFirst(RawTargetTally.CASE_HEADER);
            if (id != null) {
                REACHED.add(id);
            }
            return chain.filter(exchange);
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }
}
