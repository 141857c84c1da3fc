package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Turns a {@link CallbackRejectedException} thrown by a resource (for instance from
 * {@link io.github.osscallback.OssCallback#bind}) into the same JSON error reply the filter sends.
 */
final class CallbackRejectedExceptionMapper implements ExceptionMapper<CallbackRejectedException> {

    private static final System.Logger LOG = System.getLogger(CallbackRejectedExceptionMapper.class.getName());

    @Context
    private Request request;

    @Override
    public Response toResponse(CallbackRejectedException e) {
        // Only the method: JAX-RS offers no client address, and the filter logged none for this request.
        CallbackEndpoint.logRejection(LOG, "a resource method", e, request == null ? null : request.getMethod(), null);
        return CallbackReplyWriter.response(e.toReply());
    }
}
