package io.github.osscallback.gateway;

import io.github.osscallback.OssCallback;
import java.util.Set;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import reactor.core.publisher.Flux;

/**
 * A verified callback as it goes downstream: its body the exact bytes OSS signed (read as often as
 * a retry asks), its Content-Length theirs (a chunked callback goes on with a length), and the
 * verification header the gateway's own.
 */
final class VerifiedRequest extends ServerHttpRequestDecorator {

    private final HttpHeaders headers;
    private final OssCallback callback;

    VerifiedRequest(ServerHttpRequest delegate, OssCallback callback, String facts) {
        super(delegate);
        this.callback = callback;
        this.headers = withoutHeaders(delegate.getHeaders(), Set.of(HttpHeaders.CONTENT_LENGTH.toLowerCase(java.util.Locale.ROOT),
                HttpHeaders.TRANSFER_ENCODING.toLowerCase(java.util.Locale.ROOT), OssCallbackGatewayFilterFactory.VERIFIED_HEADER.toLowerCase(java.util.Locale.ROOT)));
        headers.setContentLength(callback.bodyBuffer().remaining());
        headers.set(OssCallbackGatewayFilterFactory.VERIFIED_HEADER, facts);
    }

    /**
     * A writable copy without the named (lower-case) headers. Built by {@code forEach} and {@code add}:
     * {@code remove} takes an Object in Spring 6 and a String in 7, so a call compiled against one
     * fails to link on the other.
     */
    static HttpHeaders withoutHeaders(HttpHeaders headers, Set<String> lowerCaseNames) {
        HttpHeaders copy = new HttpHeaders();
        headers.forEach((name, values) -> {
            if (!lowerCaseNames.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                for (String value : values) {
                    copy.add(name, value);
                }
            }
        });
        return copy;
    }

    @Override
    public HttpHeaders getHeaders() {
        return headers;
    }

    @Override
    public Flux<DataBuffer> getBody() {
        // A new read-only view of the verified bytes for each reader; nothing pooled to release.
        return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(callback.bodyBuffer())));
    }
}
