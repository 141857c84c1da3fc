package io.github.osscallback.webflux;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.springframework.core.SpringVersion;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The WebFlux filter's verification of one request, for adapters built on this module that verify
 * elsewhere than in a {@code WebFilter} (the Spring Cloud Gateway filter, which must verify the
 * target OSS called after route filters have rewritten the request's path). The body is read from
 * the request's data buffers within the verifier's limit, and nothing blocks a thread.
 */
public final class ExchangeVerification {

    private ExchangeVerification() {
    }

    /**
     * Verifies {@code request} as if it had been sent to {@code signedTarget}: its method, headers
     * and body are the request's, its path and query are the target's (still percent-encoded, as the
     * server read them). A rejection is logged by the endpoint, once, and fails the result with the
     * {@link CallbackRejectedException}, unwrapped.
     *
     * @param signedTarget the request's URI as the server first read it, before any rewriting
     */
    public static Mono<OssCallback> verify(CallbackEndpoint endpoint, ServerHttpRequest request, URI signedTarget) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(signedTarget, "signedTarget");
        return Mono.fromCompletionStage(() -> verifyAsync(endpoint, request, signedTarget))
                .map(CallbackEndpoint.Verified::callback)
                .onErrorMap(e -> e instanceof CompletionException && e.getCause() != null, Throwable::getCause);
    }

    /** Starts the verification of {@code request} at {@code signedTarget}, as {@link #verify}: the stage of the endpoint. */
    static CompletionStage<CallbackEndpoint.Verified> verifyAsync(CallbackEndpoint endpoint, ServerHttpRequest request,
                                                                 URI signedTarget) {
        Incoming incoming = new Incoming(request, signedTarget);
        Flow.Publisher<ByteBuffer> body = HttpMethod.POST.equals(request.getMethod())
                ? new DataBufferPublisher(request.getBody()) : NO_BODY;
        return endpoint.verifyAsync(incoming, body);
    }

    /**
     * Answers a rejection as the filter does: its status, {@code {"status":"REJECTED","reason":...}}
     * and an exact Content-Length, with the reason code left in the exchange attribute
     * {@link CallbackEndpoint#REJECTION_ATTRIBUTE}.
     */
    public static Mono<Void> reject(ServerWebExchange exchange, CallbackRejectedException rejection) {
        exchange.getAttributes().put(CallbackEndpoint.REJECTION_ATTRIBUTE, rejection.reason().code());
        return OssCallbackWebFilter.write(exchange.getResponse(), rejection.toReply());
    }

    /**
     * The response to a verified callback as the filter sends a handler's: held until complete
     * (replies to OSS are small JSON documents), sent with an exact Content-Length whatever wrote
     * it, and checked as OSS takes it ({@link CallbackEndpoint#checkReply}: an error logged for a
     * reply OSS would refuse, which is sent unchanged).
     */
    public static ServerHttpResponse heldReply(ServerHttpResponse response, CallbackEndpoint endpoint) {
        return new VerifiedExchange.ExactLengthResponse(Objects.requireNonNull(response, "response"),
                Objects.requireNonNull(endpoint, "endpoint"));
    }

    static String remoteAddress(ServerHttpRequest request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return null;
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /**
     * {@code HttpHeaders.get}, found once: it takes an {@code Object} in Spring 6 and a {@code String}
     * in 7, so a call compiled against one fails to link on the other. A lookup by name, where a walk
     * of every header (forEach, which links on both) cost a header-name set and a value list for each
     * header, for each of the few headers the verifier reads.
     */
    private static final MethodHandle HEADER_VALUES = headerValuesHandle();

    private static MethodHandle headerValuesHandle() {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        for (Class<?> parameter : List.of(String.class, Object.class)) {
            try {
                return lookup.findVirtual(HttpHeaders.class, "get", MethodType.methodType(List.class, parameter))
                        .asType(MethodType.methodType(List.class, HttpHeaders.class, String.class));
            } catch (NoSuchMethodException | IllegalAccessException e) {
                // the other Spring line's signature
            }
        }
        throw new IllegalStateException("HttpHeaders.get not found in Spring " + SpringVersion.getVersion());
    }

    /** All values of a header, its name matched case-insensitively as the server's headers match it; empty when absent. */
    @SuppressWarnings("unchecked")
    static List<String> valuesOf(HttpHeaders headers, String name) {
        List<String> values;
        try {
            values = (List<String>) HEADER_VALUES.invokeExact(headers, name);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e); // HttpHeaders.get declares no checked exception
        }
        return values != null ? values : List.of();
    }

    /** Never subscribed: the verifier reads a body for POST only. */
    private static final Flow.Publisher<ByteBuffer> NO_BODY = subscriber -> {
        throw new IllegalStateException("the verifier reads no body but a POST's");
    };

    /** The request as the verifier reads it, at the target it was sent to (the event filter's reading too). */
    static class Incoming implements CallbackEndpoint.Incoming {
        private final ServerHttpRequest request;
        private final URI target;

        Incoming(ServerHttpRequest request, URI target) {
            this.request = request;
            this.target = target;
        }

        /**
         * Reactor Netty reads the request line byte for byte as ISO-8859-1, so raw UTF-8 in the
         * target (which OSS sends and signs as UTF-8) arrives as one char per byte; Servlet-based
         * WebFlux servers decode it as UTF-8 already.
         */
        private boolean bytesAsLatin1() {
            Object nativeRequest = nativeRequest(request);
            return nativeRequest != null && nativeRequest.getClass().getName().startsWith("reactor.netty.");
        }

        private static Object nativeRequest(ServerHttpRequest request) {
            try {
                return ServerHttpRequestDecorator.getNativeRequest(request);
            } catch (IllegalArgumentException e) {
                return null; // a request type that does not say
            }
        }

        /** The target's text as sent: bytes read one per char put back together as the UTF-8 they were. */
        private String asSent(String raw) {
            if (raw == null) {
                return raw;
            }
            boolean ascii = true;
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c > 0xFF) {
                    return raw; // not one char per byte after all
                }
                ascii &= c < 0x80;
            }
            if (ascii || !bytesAsLatin1()) {
                return raw; // which server read it matters only for bytes beyond ASCII, so asked only then
            }
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1)))
                        .toString();
            } catch (CharacterCodingException e) {
                return raw; // not UTF-8: verified as received, and refused if that is not what was signed
            }
        }

        @Override
        public String method() {
            return request.getMethod().name();
        }

        @Override
        public String rawPath() {
            return asSent(target.getRawPath());
        }

        @Override
        public String rawQuery() {
            return asSent(target.getRawQuery());
        }

        @Override
        public List<String> headers(String name) {
            return valuesOf(request.getHeaders(), name);
        }

        @Override
        public java.io.InputStream body() {
            throw new UnsupportedOperationException("the body is read from its data buffers, without blocking");
        }

        @Override
        public long declaredLength() {
            return request.getHeaders().getContentLength();
        }

        @Override
        public String remoteAddress() {
            return ExchangeVerification.remoteAddress(request);
        }
    }
}
