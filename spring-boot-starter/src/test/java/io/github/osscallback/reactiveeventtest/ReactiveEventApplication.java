package io.github.osscallback.reactiveeventtest;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A WebFlux application receiving OSS events: controllers taking {@code OssEvent} or {@code EventDelivery}; Security lets the event paths through. */
@SpringBootApplication
public class ReactiveEventApplication {

    /** What reached the controllers, with the thread. */
    public static final List<String> HANDLED = new CopyOnWriteArrayList<>();

    @RestController
    static class Events {
        @PostMapping("/oss/events/one")
        Mono<ResponseEntity<Void>> one(OssEvent event) {
            HANDLED.add("one " + event.objectKey().orElseThrow());
            return Mono.just(ResponseEntity.noContent().build());
        }

        @PostMapping("/oss/events/raw")
        Mono<ResponseEntity<Void>> raw(EventDelivery delivery, @RequestBody String raw) {
            HANDLED.add("raw " + raw.equals(delivery.bodyAsString()));
            return Mono.just(ResponseEntity.noContent().build());
        }
    }

    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
        return http
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/oss/events/**").permitAll()
                        .anyExchange().authenticated())
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(new AndServerWebExchangeMatcher(
                        CsrfWebFilter.DEFAULT_CSRF_MATCHER,
                        new NegatedServerWebExchangeMatcher(ServerWebExchangeMatchers.pathMatchers("/oss/events/**")))))
                .httpBasic(Customizer.withDefaults())
                .build();
    }
}
