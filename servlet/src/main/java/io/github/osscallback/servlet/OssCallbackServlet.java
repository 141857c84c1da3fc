package io.github.osscallback.servlet;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * A servlet for callback endpoints behind {@link OssCallbackFilter}: implement {@link #handle}
 * and return the reply; it is written as OSS expects. A {@link CallbackRejectedException} thrown
 * by {@code handle} (for instance from {@link OssCallback#bind}) becomes its JSON error reply.
 */
public abstract class OssCallbackServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(OssCallbackServlet.class.getName());

    /** Handles one verified callback. */
    protected abstract CallbackReply handle(OssCallback callback, HttpServletRequest request)
            throws CallbackRejectedException, IOException;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        OssCallback callback = OssCallbacks.from(request);
        CallbackReply reply;
        try {
            reply = handle(callback, request);
        } catch (CallbackRejectedException e) {
            CallbackEndpoint.logRejection(LOG, "OssCallbackServlet '" + getServletName() + "' handler", e, request.getMethod(),
                    request.getRemoteAddr());
            reply = e.toReply();
        }
        OssCallbacks.reply(response, reply == null ? CallbackReply.ok() : reply);
    }
}
