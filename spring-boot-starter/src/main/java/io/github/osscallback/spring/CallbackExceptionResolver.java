package io.github.osscallback.spring;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.servlet.OssCallbacks;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers what the starter's MVC arguments refuse, before Spring's own resolvers (which would
 * answer a 500 page): a {@link CallbackRejectedException} (a body that does not bind to an
 * {@link OssCallbackBody} type, or one a handler throws) as the filter answers its rejections,
 * logged in the same format; an {@link UnverifiedCallbackException} as a 500 naming the handler
 * in the log, since only the configuration can fix it.
 */
final class CallbackExceptionResolver implements HandlerExceptionResolver, Ordered {

    private static final System.Logger LOG = System.getLogger(CallbackExceptionResolver.class.getName());
    private static final byte[] NOT_VERIFIED = "{\"error\":\"callback_not_verified\"}".getBytes(StandardCharsets.US_ASCII);

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
                                         Exception ex) {
        try {
            if (ex instanceof CallbackRejectedException rejected) {
                request.setAttribute(CallbackEndpoint.REJECTION_ATTRIBUTE, rejected.reason().code());
                CallbackEndpoint.logRejection(LOG, "the handler " + handler, rejected, request.getMethod(), request.getRemoteAddr());
                OssCallbacks.reply(response, rejected.toReply());
                return new ModelAndView();
            }
            if (ex instanceof UnverifiedCallbackException) {
                LOG.log(System.Logger.Level.ERROR, ex.getMessage());
                response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
                response.setContentType("application/json");
                response.setContentLength(NOT_VERIFIED.length);
                response.getOutputStream().write(NOT_VERIFIED);
                response.flushBuffer();
                return new ModelAndView();
            }
        } catch (IOException clientGone) {
            return new ModelAndView();
        }
        return null;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
