package io.github.osscallback.spring;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import jakarta.servlet.Filter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application written the natural Spring way: controllers under the callback paths taking
 * OssCallback or a record of its own, returning CallbackReply or a Map; a filter that reads
 * request parameters early; and Spring Security guarding everything else, with the callback
 * paths let through exactly as docs/spring.md says.
 */
@SpringBootApplication
public class CallbackTestApplication {

    /** The upload a JSON or form callback describes, bound with {@link OssCallbackBody}. */
    public record Upload(String bucket, String object, long size) {
    }

    /** What the handlers saw, for the tests to check that rejected requests never reached them. */
    public static final class Handled {
        final AtomicInteger calls = new AtomicInteger();
        final AtomicReference<Object> last = new AtomicReference<>();
        /** How many parameters the early filter read on the last request to /oss/callback/reply. */
        final AtomicInteger parametersSeenEarly = new AtomicInteger(-1);

        void saw(Object value) {
            last.set(value);
            calls.incrementAndGet();
        }
    }

    @Bean
    Handled handled() {
        return new Handled();
    }

    /** The documented recipe: callback paths permitted and exempt from CSRF, nothing else. */
    @Bean
    SecurityFilterChain security(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(requests -> requests
                        .requestMatchers("/oss/callback/**").permitAll()
                        .anyRequest().authenticated())
                .csrf(csrf -> csrf.ignoringRequestMatchers("/oss/callback/**"))
                .httpBasic(Customizer.withDefaults());
        return http.build();
    }

    /** Reads the parameters of every request before any controller, as many logging and tracing filters do. */
    @Bean
    FilterRegistrationBean<Filter> parameterReadingFilter() {
        FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>((request, response, chain) -> {
            request.setAttribute("parametersSeenEarly", request.getParameterMap().size());
            chain.doFilter(request, response);
        });
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    @RestController
    static class Callbacks {
        private final Handled handled;

        Callbacks(Handled handled) {
            this.handled = handled;
        }

        @PostMapping("/oss/callback/reply")
        CallbackReply reply(OssCallback callback, @RequestAttribute("parametersSeenEarly") int parametersSeenEarly) {
            handled.parametersSeenEarly.set(parametersSeenEarly);
            handled.saw(callback);
            return CallbackReply.json(Map.of("object", callback.object().orElse("")));
        }

        @PostMapping("/oss/callback/record")
        CallbackReply record(@OssCallbackBody Upload upload) {
            handled.saw(upload);
            return CallbackReply.json(Map.of("object", upload.object(), "size", upload.size()));
        }

        /** Refuses, as an application may, a verified callback it has no use for. */
        @PostMapping("/oss/callback/uploads-only")
        CallbackReply uploadsOnly(OssCallback callback) throws CallbackRejectedException {
            if (!callback.object().orElse("").startsWith("uploads/")) {
                throw new CallbackRejectedException(CallbackRejectedException.Reason.UPLOAD_TOKEN_MISMATCH,
                        "object outside uploads/");
            }
            handled.saw(callback);
            return CallbackReply.ok();
        }

        @PostMapping("/oss/callback/map")
        Map<String, Object> map(OssCallback callback) {
            handled.saw(callback);
            return Map.of("object", callback.object().orElse(""), "note", "\u4e0a\u4f20\u6210\u529f");
        }

        /** Every request-parameter view Spring MVC offers, beside the verifier's own reading. */
        @PostMapping("/oss/callback/views")
        Map<String, Object> views(OssCallback callback, jakarta.servlet.http.HttpServletRequest request,
                                  @RequestParam(name = "object", required = false) String objectJoined,
                                  @RequestParam(name = "bucket", required = false) String bucketJoined,
                                  @RequestParam MultiValueMap<String, String> all) {
            // The request's own values: Spring converts one empty value into an empty list or array.
            Map<String, Object> values = new LinkedHashMap<>();
            for (String name : io.github.osscallback.fixtures.ReadingCase.PROBES) {
                values.put(name, request.getParameterValues(name));
            }
            String[] object = request.getParameterValues("object");
            String[] bucket = request.getParameterValues("bucket");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("fields", callback.fields());
            out.put("query", callback.queryParameters());
            out.put("merged", all);
            out.put("values", values);
            if (!java.util.Objects.equals(objectJoined, object == null ? null : String.join(",", object))
                    || !java.util.Objects.equals(bucketJoined, bucket == null ? null : String.join(",", bucket))) {
                out.put("inconsistent", "@RequestParam String");
            }
            return out;
        }

        /** A record bound from the body: the verifier's fields, or a refusal when it read none. */
        @PostMapping("/oss/callback/views-record")
        Map<String, Object> viewsRecord(OssCallback callback, @OssCallbackBody Upload upload) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("fields", callback.fields());
            out.put("bucket", upload.bucket());
            out.put("object", upload.object());
            return out;
        }

        /** Outside oss.callback.paths: the filter never verifies these requests. */
        @GetMapping("/unguarded/callback")
        CallbackReply unguarded(OssCallback callback) {
            handled.saw(callback);
            return CallbackReply.ok();
        }

        @PostMapping("/account")
        String account() {
            handled.saw("account");
            return "changed";
        }
    }
}
