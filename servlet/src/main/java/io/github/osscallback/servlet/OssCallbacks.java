package io.github.osscallback.servlet;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to what {@link OssCallbackFilter} verified, and the one way replies are written:
 * by the filter's rejections, by {@link OssCallbackServlet}, and by applications.
 */
public final class OssCallbacks {

    /** The request attribute holding the verified {@link OssCallback}. */
    public static final String ATTRIBUTE = OssCallback.class.getName();

    private OssCallbacks() {
    }

    /**
     * The verified callback of this request.
     *
     * @throws IllegalStateException if {@link OssCallbackFilter} did not run for this request
     */
    public static OssCallback from(ServletRequest request) {
        return find(request).orElseThrow(() -> new IllegalStateException(
                "no verified OSS callback on this request: is OssCallbackFilter mapped to this path?"));
    }

    /** The verified callback, if {@link OssCallbackFilter} ran for this request. */
    public static Optional<OssCallback> find(ServletRequest request) {
        Object value = request.getAttribute(ATTRIBUTE);
        return value instanceof OssCallback ? Optional.of((OssCallback) value) : Optional.empty();
    }

    /**
     * Writes a reply: its status and headers, {@code application/json} and an exact
     * Content-Length, as OSS requires.
     */
    public static void reply(HttpServletResponse response, CallbackReply reply) throws IOException {
        response.setStatus(reply.status());
        for (Map.Entry<String, String> header : reply.headers().entrySet()) {
            response.setHeader(header.getKey(), header.getValue());
        }
        response.setContentType(reply.contentType());
        response.setContentLength(reply.contentLength());
        reply.writeBodyTo(response.getOutputStream());
        response.flushBuffer();
    }
}
