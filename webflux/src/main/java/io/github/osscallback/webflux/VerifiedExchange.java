package io.github.osscallback.webflux;

import io.github.osscallback.BodyType;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.codec.multipart.Part;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.util.CollectionUtils;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The exchange a verified callback goes on with: its request body is the verified bytes (read as
 * often as asked), its query parameters are the verifier's reading of the query, its form data is the verifier's reading of a form body (empty for JSON), it has
 * no multipart data, and its response is held to be sent with an exact Content-Length.
 */
final class VerifiedExchange extends ServerWebExchangeDecorator {

    private final OssCallback callback;
    private final ServerHttpRequest request;
    private final ServerHttpResponse response;
    /** Made at the first call: most handlers never ask for the form data or the query parameters. */
    private volatile Mono<MultiValueMap<String, String>> formData;
    private volatile MultiValueMap<String, String> queryParams;

    VerifiedExchange(ServerWebExchange exchange, OssCallback callback, CallbackEndpoint endpoint) {
        super(exchange);
        this.callback = callback;
        this.request = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public MultiValueMap<String, String> getQueryParams() {
                // The verifier's reading of the signed query, so no view decodes it another way.
                return queryParams();
            }

            @Override
            public Flux<DataBuffer> getBody() {
                // A new read-only view of the verified bytes for each reader; nothing pooled to release.
                return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(callback.bodyBuffer())));
            }
        };
        this.response = new ExactLengthResponse(exchange.getResponse(), endpoint);
    }

    /** Racy but safe: any thread makes an equal, immutable map, published through the volatile field. */
    private MultiValueMap<String, String> queryParams() {
        MultiValueMap<String, String> params = queryParams;
        if (params == null) {
            MultiValueMap<String, String> query = new LinkedMultiValueMap<>();
            callback.queryParameters().forEach(query::addAll);
            params = CollectionUtils.unmodifiableMultiValueMap(query);
            queryParams = params;
        }
        return params;
    }

    @Override
    public ServerHttpRequest getRequest() {
        return request;
    }

    @Override
    public ServerHttpResponse getResponse() {
        return response;
    }

    @Override
    public Mono<MultiValueMap<String, String>> getFormData() {
        Mono<MultiValueMap<String, String>> form = formData;
        if (form == null) {
            MultiValueMap<String, String> fields = new LinkedMultiValueMap<>();
            if (callback.bodyType() == BodyType.FORM) {
                callback.fields().forEach(fields::add);
            }
            form = Mono.just(CollectionUtils.unmodifiableMultiValueMap(fields));
            formData = form; // racy but safe, as queryParams()
        }
        return form;
    }

    @Override
    public Mono<MultiValueMap<String, Part>> getMultipartData() {
        return Mono.just(CollectionUtils.unmodifiableMultiValueMap(new LinkedMultiValueMap<>()));
    }

    /**
     * Holds the reply until it is complete (replies to OSS are small JSON documents) so it goes
     * out with an exact Content-Length whatever wrote it, and checks it as OSS will take it.
     */
    static final class ExactLengthResponse extends ServerHttpResponseDecorator {
        private static final byte[] NO_BYTES = new byte[0];

        private final CallbackEndpoint endpoint;
        private volatile boolean written;

        ExactLengthResponse(ServerHttpResponse delegate, CallbackEndpoint endpoint) {
            super(delegate);
            this.endpoint = endpoint;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            written = true;
            // The publisher as given, so that join hands a Mono's one buffer on as it is (an encoded
            // reply always comes so) without collecting it into a list.
            return DataBufferUtils.join(body)
                    .map(ExactLengthResponse::bytesOf)
                    .defaultIfEmpty(NO_BYTES)
                    .flatMap(this::send);
        }

        private static byte[] bytesOf(DataBuffer joined) {
            byte[] bytes = new byte[joined.readableByteCount()];
            joined.read(bytes);
            DataBufferUtils.release(joined);
            return bytes;
        }

        private Mono<Void> send(byte[] bytes) {
            HttpHeaders headers = getHeaders();
            headers.setContentLength(bytes.length);
            endpoint.checkReply(headers.getFirst(HttpHeaders.CONTENT_TYPE), bytes);
            return super.writeWith(Mono.just(bufferFactory().wrap(bytes)));
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return writeWith(Flux.from(body).concatMap(Flux::from));
        }

        @Override
        public Mono<Void> setComplete() {
            if (!written && !isCommitted()) {
                written = true;
                getHeaders().setContentLength(0);
                endpoint.checkReply(getHeaders().getFirst(HttpHeaders.CONTENT_TYPE), NO_BYTES);
            }
            return super.setComplete();
        }
    }

}
