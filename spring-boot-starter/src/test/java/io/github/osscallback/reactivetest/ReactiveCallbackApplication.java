package io.github.osscallback.reactivetest;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spring.OssCallbackBody;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.csrf.CsrfWebFilter;
import org.springframework.security.web.server.util.matcher.AndServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The servlet test application's callback handlers, unchanged, in a WebFlux application: the
 * starter, {@code oss.callback.paths} and {@code oss.callback.key-url-prefixes}, a controller
 * taking {@code OssCallback} and returning {@code CallbackReply}; and Spring Security for WebFlux
 * with the recipe of docs/webflux.md (callback paths permitted and exempt from CSRF, nothing else).
 * In its own package, so the servlet test application's component scan never sees it.
 */
@SpringBootApplication
public class ReactiveCallbackApplication {

    /** Handler runs, by thread; a rejected callback must leave none. */
    static final List<String> HANDLED = new CopyOnWriteArrayList<>();

    public record Upload(String bucket, String object, long size) {
    }

    @RestController
    static class Callbacks {

        @PostMapping("/oss/callback/reply")
        CallbackReply reply(OssCallback callback) {
            HANDLED.add(Thread.currentThread().getName());
            return CallbackReply.json(Map.of("status", "OK", "object", callback.object().orElse("")));
        }

        @PostMapping("/oss/callback/bound")
        Mono<Map<String, Object>> bound(@OssCallbackBody Upload upload) {
            HANDLED.add(Thread.currentThread().getName());
            return Mono.just(Map.of("object", upload.object(), "size", upload.size()));
        }

        @PostMapping("/private")
        String secret() {
            HANDLED.add(Thread.currentThread().getName());
            return "secret";
        }
    }

    /** The recipe: callback paths permitted and exempt from CSRF; health open for the test; the rest needs a login. */
    @Bean
    SecurityWebFilterChain security(ServerHttpSecurity http) {
        return http
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/oss/callback/**", "/actuator/health").permitAll()
                        .anyExchange().authenticated())
                .csrf(csrf -> csrf.requireCsrfProtectionMatcher(new AndServerWebExchangeMatcher(
                        CsrfWebFilter.DEFAULT_CSRF_MATCHER,
                        new NegatedServerWebExchangeMatcher(ServerWebExchangeMatchers.pathMatchers("/oss/callback/**")))))
                .httpBasic(Customizer.withDefaults())
                .build();
    }
}
