package io.github.osscallback.servlet;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.UnaryOperator;

/**
 * For the benchmarks only (in this package for {@link BufferedReply}, which is not API): buffers
 * the body as a buffer-only filter does, then holds the reply exactly as {@link OssCallbackFilter}
 * does, without verifying. Against the buffer-only filter, what the reply framing costs apart.
 */
public final class FramingOnlyFilter implements Filter {

    private final CallbackEndpoint endpoint;
    private final UnaryOperator<HttpServletRequest> buffering;

    /** {@code buffering} reads the body and gives a request that replays it (the buffer-only filter's step). */
    public FramingOnlyFilter(CallbackVerifier verifier, UnaryOperator<HttpServletRequest> buffering) {
        this.endpoint = CallbackEndpoint.of("FramingOnlyFilter", verifier, System.getLogger(FramingOnlyFilter.class.getName()));
        this.buffering = buffering;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        BufferedReply reply = new BufferedReply((HttpServletResponse) response, endpoint, "FramingOnlyFilter");
        chain.doFilter(buffering.apply((HttpServletRequest) request), reply);
        reply.finish(false);
    }
}
