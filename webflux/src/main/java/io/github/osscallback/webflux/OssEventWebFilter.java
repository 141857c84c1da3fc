package io.github.osscallback.webflux;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.spi.EventEndpoint;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Verifies OSS event deliveries (MNS topic push, EventBridge HTTP targets) in Spring WebFlux on
 * paths of their own, without blocking the event loop: the body is read from the request's data
 * buffers within the verifier's limit, the certificate fetch and the duplicate store are waited
 * for without a thread. A refused delivery is answered with its status and reason code and
 * logged in one line, without calling the application; a redelivery is answered 200
 * {@code DUPLICATE} without calling it. A verified delivery goes on with its exact body and the
 * {@link EventDelivery} in the exchange attribute {@link #DELIVERY_ATTRIBUTE}
 * ({@link #delivery(ServerWebExchange)}); when the application fails or answers other than 2xx,
 * the message id is released so the sender's retry is taken as a first delivery.
 *
 * <pre>{@code
 * @Bean
 * OssEventWebFilter ossEventFilter(EventVerifier verifier) {
 *     return new OssEventWebFilter(verifier, List.of("/oss/events/*"));
 * }
 * }</pre>
 */
public final class OssEventWebFilter implements WebFilter, Ordered {

    /** The exchange attribute holding the verified {@link EventDelivery}. */
    public static final String DELIVERY_ATTRIBUTE = EventDelivery.class.getName();
    private static final System.Logger LOG = System.getLogger(OssEventWebFilter.class.getName());

    private final EventEndpoint endpoint;
    private final FilterPaths covered;
    private final List<String> paths;

    /**
     * A filter verifying with this verifier, which stays the caller's to close.
     *
     * @param paths {@code /exact}, {@code /prefix/*} or {@code *.extension}
     * @throws IllegalArgumentException for a path in another form, or none
     */
    public OssEventWebFilter(EventVerifier verifier, List<String> paths) {
        this(EventEndpoint.of("OssEventWebFilter", Objects.requireNonNull(verifier, "verifier"), LOG), paths);
    }

    /** A filter around an endpoint made in code (to set {@link EventEndpoint#withBaseUrl}, say). */
    public OssEventWebFilter(EventEndpoint endpoint, List<String> paths) {
        OssCallbackWebFilter.requireSupportedSpring();
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.paths = List.copyOf(paths);
        this.covered = new FilterPaths("OssEventWebFilter", "event", this.paths);
    }

    /** The verified delivery of this exchange, if the filter verified it. */
    public static Optional<EventDelivery> delivery(ServerWebExchange exchange) {
        return Optional.ofNullable(exchange.getAttribute(DELIVERY_ATTRIBUTE));
    }

    /** The verifier. */
    public EventVerifier verifier() {
        return endpoint.verifier();
    }

    /** The event paths, as given. */
    public List<String> paths() {
        return paths;
    }

    /** First of all filters, as the callback filter: nothing may read the body before it. */
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
        Incoming incoming = new Incoming(request);
        return Mono.fromCompletionStage(() -> endpoint.verifyAsync(incoming, new DataBufferPublisher(request.getBody())))
                .materialize()
                .flatMap(signal -> {
                    if (signal.hasValue()) {
                        return proceed(exchange, chain, signal.get());
                    }
                    if (!signal.isOnError()) {
                        return Mono.<Void>error(new IllegalStateException("verification ended without an outcome"));
                    }
                    Throwable error = OssCallbackWebFilter.unwrapped(signal.getThrowable());
                    if (error instanceof CallbackRejectedException) {
                        // logged by the endpoint, once
                        CallbackRejectedException rejection = (CallbackRejectedException) error;
                        exchange.getAttributes().put(EventEndpoint.REJECTION_ATTRIBUTE, rejection.reason().code());
                        return write(exchange.getResponse(), EventEndpoint.replyTo(rejection));
                    }
                    return Mono.error(error);
                });
    }

    private Mono<Void> proceed(ServerWebExchange exchange, WebFilterChain chain, EventDelivery delivery) {
        byte[] body = delivery.body();
        ServerHttpRequest request = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                // A new read-only view of the verified bytes for each reader; nothing pooled to release.
                return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance
                        .wrap(ByteBuffer.wrap(body).asReadOnlyBuffer())));
            }
        };
        ServerWebExchange verified = new ServerWebExchangeDecorator(exchange) {
            @Override
            public ServerHttpRequest getRequest() {
                return request;
            }
        };
        verified.getAttributes().put(DELIVERY_ATTRIBUTE, delivery);
        return chain.filter(verified)
                .onErrorResume(e -> Mono.fromCompletionStage(() -> endpoint.finishedAsync(delivery, 500))
                        .then(Mono.error(e)))
                .then(Mono.defer(() -> {
                    HttpStatusCode status = exchange.getResponse().getStatusCode();
                    return Mono.fromCompletionStage(endpoint.finishedAsync(delivery,
                            status == null ? 200 : status.value()));
                }));
    }

    /** Writes a reply with its status and exact Content-Length. */
    private static Mono<Void> write(ServerHttpResponse response, EventEndpoint.Reply reply) {
        response.setStatusCode(HttpStatusCode.valueOf(reply.status()));
        HttpHeaders headers = response.getHeaders();
        reply.headers().forEach(headers::set);
        if (reply.contentType() != null) {
            headers.set(HttpHeaders.CONTENT_TYPE, reply.contentType());
        }
        headers.setContentLength(reply.contentLength());
        return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(reply.body())));
    }

    @Override
    public String toString() {
        return "OssEventWebFilter" + paths + "[" + endpoint.verifier() + "]";
    }

    /** The request as the endpoint reads it: the callback filter's reading, every header, and the URL. */
    private static final class Incoming extends ExchangeVerification.Incoming implements EventEndpoint.Incoming {
        private final ServerHttpRequest request;

        Incoming(ServerHttpRequest request) {
            super(request, request.getURI());
            this.request = request;
        }

        @Override
        public Iterable<String> headerNames() {
            List<String> names = new ArrayList<>();
            request.getHeaders().forEach((name, values) -> names.add(name));
            return names;
        }

        /** The scheme and the Host header as sent, then the raw target. */
        @Override
        public String url() {
            List<String> host = headers("Host");
            if (host.size() != 1) {
                return null;
            }
            String query = rawQuery();
            return request.getURI().getScheme() + "://" + host.get(0) + rawPath() + (query == null ? "" : "?" + query);
        }
    }
}
