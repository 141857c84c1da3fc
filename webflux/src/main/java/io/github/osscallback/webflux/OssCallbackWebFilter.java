package io.github.osscallback.webflux;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Verifies OSS callbacks in Spring WebFlux before any handler (or Spring Security) sees them,
 * without blocking the event loop: the body is read from the request's data buffers within the
 * verifier's limit (413 as soon as more arrives, the read cancelled), the key fetch, the replay
 * store and the check with OSS are waited for without a thread, and a rejection is answered with
 * its status and reason code and logged in one line, without calling the application.
 *
 * <p>A verified request goes on with its exact body ({@code @RequestBody} as {@code String},
 * {@code byte[]} or a record), {@link ServerWebExchange#getFormData()} giving the verifier's
 * reading of a form body (never a second decoding), and the callback in the exchange attribute
 * {@link #CALLBACK_ATTRIBUTE} ({@link #callback(ServerWebExchange)}; handler arguments through
 * {@link OssCallbackArgumentResolver}). Its reply is held until complete and sent with an exact
 * Content-Length, and one OSS would refuse (not JSON, too large) is logged as an error.
 *
 * <pre>{@code
 * @Bean
 * OssCallbackWebFilter ossCallbackFilter(CallbackVerifier verifier) {
 *     return new OssCallbackWebFilter(verifier, List.of("/oss/callback/*"));
 * }
 * }</pre>
 *
 * <p>Paths are written as the Spring Boot starter's {@code oss.callback.paths}: {@code /exact},
 * {@code /prefix/*} (the prefix and everything below it) or {@code *.extension}, matched against
 * the decoded path within the application, as handler mappings match it, so no encoding of a
 * callback path reaches a handler unverified.
 */
public final class OssCallbackWebFilter implements WebFilter, Ordered {

    /** The exchange attribute holding the verified {@link OssCallback}. */
    public static final String CALLBACK_ATTRIBUTE = OssCallback.class.getName();
    /** The name rejections are logged under. */
    static final String NAME = "OssCallbackWebFilter";
    private static final System.Logger LOG = System.getLogger(OssCallbackWebFilter.class.getName());

    private final CallbackEndpoint endpoint;
    private final FilterPaths covered;
    private final List<String> paths;
    /** The text of {@link #toString()}, made at the first call. */
    private String description;

    /**
     * A filter verifying with this verifier, which stays the caller's to close.
     *
     * @param paths {@code /exact}, {@code /prefix/*} or {@code *.extension}, as the starter's
     *     {@code oss.callback.paths}
     * @throws IllegalArgumentException for a path in another form, or none
     */
    public OssCallbackWebFilter(CallbackVerifier verifier, List<String> paths) {
        requireSupportedSpring();
        this.endpoint = CallbackEndpoint.of(NAME, Objects.requireNonNull(verifier, "verifier"), LOG);
        this.paths = List.copyOf(paths);
        this.covered = new FilterPaths("OssCallbackWebFilter", "callback", this.paths);
    }

    /**
     * Fails at start-up, not at the first callback, on a Spring Framework older than 6.0.5, whose
     * data buffers cannot be read without copying (and whose callbacks would all fail).
     */
    static void requireSupportedSpring() {
        try {
            org.springframework.core.io.buffer.DataBuffer.class.getMethod("readableByteBuffers");
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("OssCallbackWebFilter needs Spring Framework 6.0.5 or later (Spring Boot"
                    + " 3.1+); this application runs " + org.springframework.core.SpringVersion.getVersion(), e);
        }
    }

    /** As {@link #OssCallbackWebFilter(CallbackVerifier, List)}. */
    public OssCallbackWebFilter(CallbackVerifier verifier, String... paths) {
        this(verifier, List.of(paths));
    }

    /** The verified callback of this exchange, if the filter verified it. */
    public static Optional<OssCallback> callback(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(CALLBACK_ATTRIBUTE));
    }

    /** The verifier. */
    public CallbackVerifier verifier() {
        return endpoint.verifier();
    }

    /** The callback paths, as given. */
    public List<String> paths() {
        return paths;
    }

    /** First of all filters: nothing may read the body before it, and Spring Security sees verified callbacks. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!covered.covers(request.getPath().pathWithinApplication())) {
            return chain.filter(exchange);
        }
        // One stage and one operator: the verifier's outcome decides, on the thread that completed
        // it, which Mono goes on (the chain with the verified exchange, or the rejection); errors
        // of that Mono are never taken for the verifier's.
        return Mono.fromCompletionStage(() -> ExchangeVerification.verifyAsync(endpoint, request, request.getURI())
                        .handle((verified, error) -> error == null
                                ? proceed(exchange, chain, verified.callback()) : refused(exchange, error)))
                .flatMap(Function.identity());
    }

    private static Mono<Void> refused(ServerWebExchange exchange, Throwable failure) {
        Throwable error = unwrapped(failure);
        if (error instanceof CallbackRejectedException) {
            // logged by the endpoint, once
            return reject(exchange, (CallbackRejectedException) error);
        }
        return Mono.error(error);
    }

    private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, OssCallback callback) {
        VerifiedExchange verified = new VerifiedExchange(exchange, callback, endpoint);
        verified.getAttributes().put(CALLBACK_ATTRIBUTE, callback);
        return chain.filter(verified).onErrorResume(
                e -> unwrapped(e) instanceof CallbackRejectedException && !exchange.getResponse().isCommitted(),
                e -> {
                    // The application refused it (a body that does not bind, say): answered as the filter would.
                    CallbackRejectedException rejection = (CallbackRejectedException) unwrapped(e);
                    CallbackEndpoint.logRejection(LOG, "the application", rejection,
                            exchange.getRequest().getMethod().name(), remoteAddress(exchange.getRequest()));
                    return reject(exchange, rejection);
                });
    }

    private static Mono<Void> reject(ServerWebExchange exchange, CallbackRejectedException e) {
        return ExchangeVerification.reject(exchange, e);
    }

    /** Writes a reply with its status, headers and exact Content-Length. */
    static Mono<Void> write(ServerHttpResponse response, CallbackReply reply) {
        response.setStatusCode(HttpStatusCode.valueOf(reply.status()));
        HttpHeaders headers = response.getHeaders();
        reply.headers().forEach(headers::set);
        headers.set(HttpHeaders.CONTENT_TYPE, reply.contentType());
        headers.setContentLength(reply.contentLength());
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(reply.body())));
    }

    static Throwable unwrapped(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    static String remoteAddress(ServerHttpRequest request) {
        return ExchangeVerification.remoteAddress(request);
    }

    /**
     * Made once: Spring's filter chain asks for it on every request (it names the filter in the
     * chain's checkpoint), and the verifier's description is long. What it describes never changes.
     */
    @Override
    public String toString() {
        String text = description;
        if (text == null) {
            text = NAME + paths + "[" + endpoint.verifier() + "]";
            description = text; // racy but safe, as String.hashCode: any thread builds an equal string
        }
        return text;
    }
}
