package io.github.osscallback.eventtest;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A servlet application receiving OSS events the natural Spring way: controllers under
 * {@code oss.callback.events.paths} taking {@code OssEvent} or {@code EventDelivery} and the raw
 * body, and Spring Security letting the event paths through and nothing else.
 */
@SpringBootApplication
public class EventTestApplication {

    /** What reached the controllers. */
    public static final List<String> HANDLED = new CopyOnWriteArrayList<>();
    /** How many of the next calls to /oss/events/flaky fail. */
    public static final AtomicInteger FAILURES = new AtomicInteger();

    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        // /error too, so a failed handling is answered with its status, not a login prompt.
                        .requestMatchers("/oss/events/**", "/error").permitAll()
                        .anyRequest().authenticated())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/oss/events/**"))
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    @RestController
    static class Events {

        @PostMapping("/oss/events/one")
        ResponseEntity<Void> one(OssEvent event) {
            HANDLED.add("one " + event.bucket().orElseThrow() + "/" + event.objectKey().orElseThrow());
            return ResponseEntity.noContent().build();
        }

        @PostMapping("/oss/events/raw")
        ResponseEntity<Void> raw(EventDelivery delivery, @RequestBody String raw) {
            HANDLED.add("raw " + delivery.service() + " " + raw.equals(delivery.bodyAsString()));
            return ResponseEntity.noContent().build();
        }

        @PostMapping("/oss/events/flaky")
        ResponseEntity<Void> flaky(OssEvent event) {
            HANDLED.add("flaky " + event.bucket().orElseThrow());
            if (FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("the database is down");
            }
            return ResponseEntity.noContent().build();
        }
    }
}
