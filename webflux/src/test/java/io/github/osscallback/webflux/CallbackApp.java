package io.github.osscallback.webflux;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.config.EnableWebFlux;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A plain WebFlux application with the filter on {@code /oss/callback/*} and handlers showing
 * every way to take a callback and reply; each handler records that it ran and on which thread.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFlux
@Import(OssCallbackWebFluxConfiguration.class)
class CallbackApp {

    /** Handler runs, by name and thread: a rejection must leave none. */
    static final List<String> REACHED = new CopyOnWriteArrayList<>();

    record Upload(String bucket, String object, long size) {
    }

    @Bean
    OssCallbackWebFilter ossCallbackFilter(CallbackVerifier verifier) {
        return new OssCallbackWebFilter(verifier, "/oss/callback/*", "*.cb");
    }

    @Bean
    RouterFunction<ServerResponse> functional() {
        return RouterFunctions.route().POST("/oss/callback/fn", request -> {
            OssCallback callback = OssCallbackWebFilter.callback(request.exchange()).orElseThrow();
            reached("fn");
            return ServerResponse.ok().bodyValue(Map.of("object", callback.object().orElse("")));
        }).build();
    }

    static void reached(String handler) {
        REACHED.add(handler + "@" + Thread.currentThread().getName());
    }

    /** Registered as a member class of this configuration. */
    @RestController
    static class Handlers {

        @PostMapping("/oss/callback/reply")
        CallbackReply reply(OssCallback callback) {
            reached("reply");
            return CallbackReply.json(Map.of("status", "OK", "object", callback.object().orElse("")));
        }

        @PostMapping("/oss/callback/mono")
        Mono<CallbackReply> mono(@OssCallbackBody Upload upload) {
            reached("mono");
            return Mono.just(CallbackReply.json(Map.of("object", upload.object(), "size", upload.size())));
        }

        @PostMapping("/oss/callback/record")
        Upload record(@OssCallbackBody Upload upload) {
            reached("record");
            return upload;
        }

        @PostMapping("/oss/callback/json")
        Mono<Upload> json(@RequestBody Upload upload) {
            reached("json");
            return Mono.just(upload);
        }

        @PostMapping("/oss/callback/string")
        Map<String, Object> string(@RequestBody String body, OssCallback callback) {
            reached("string");
            return Map.of("body", body, "same", body.equals(CallbackApp.text(callback.bodyBuffer())));
        }

        @PostMapping("/oss/callback/bytes")
        Map<String, Object> bytes(@RequestBody byte[] body, OssCallback callback) {
            reached("bytes");
            return Map.of("length", body.length, "same", ByteBuffer.wrap(body).equals(callback.bodyBuffer()));
        }

        @PostMapping("/oss/callback/model")
        Map<String, Object> model(@ModelAttribute Upload upload, @RequestParam(name = "k", required = false) String k) {
            reached("model");
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("object", upload.object());
            out.put("k", k);
            return out;
        }

        /** The views the differential corpus judges (see ReadingViews): fields, query, merged, values. */
        @PostMapping("/oss/callback/views")
        Mono<Map<String, Object>> views(ServerWebExchange exchange, OssCallback callback) {
            reached("views");
            return exchange.getFormData().map(form -> {
                Map<String, List<String>> merged = new LinkedHashMap<>();
                exchange.getRequest().getQueryParams().forEach((n, v) -> merged.put(n, new ArrayList<>(v)));
                form.forEach((n, v) -> merged.computeIfAbsent(n, x -> new ArrayList<>()).addAll(v));
                Map<String, Object> values = new LinkedHashMap<>();
                for (String probe : io.github.osscallback.fixtures.ReadingCase.PROBES) {
                    values.put(probe, merged.get(probe));
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("fields", callback.fields());
                out.put("query", callback.queryParameters());
                out.put("merged", merged);
                out.put("values", values);
                return out;
            });
        }

        @PostMapping(path = "/oss/callback/text", produces = MediaType.TEXT_PLAIN_VALUE)
        String text() {
            reached("text");
            return "thanks";
        }

        @PostMapping("/upload.cb")
        CallbackReply extension(OssCallback callback) {
            reached("extension");
            return CallbackReply.ok();
        }

        @PostMapping("/elsewhere")
        Map<String, Object> elsewhere(@RequestBody String body) {
            reached("elsewhere");
            return Map.of("length", body.length());
        }
    }

    static String text(ByteBuffer buffer) {
        return StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }
}
