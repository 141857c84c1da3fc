package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackRejectedException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;

/**
 * Turns a {@link CallbackRejectedException} thrown by a resource (for instance from
 * {@link io.github.osscallback.OssCallback#bind}) into the same JSON error reply the filter sends.
 */
final class CallbackRejectedExceptionMapper implements ExceptionMapper<CallbackRejectedException> {

    private static final System.Logger LOG = System.getLogger(CallbackRejectedExceptionMapper.class.getName());

    @Override
    public Response toResponse(CallbackRejectedException e) {
        LOG.log(System.Logger.Level.INFO, "OSS callback rejected by resource: {0} {1}: {2}",
                e.reason().httpStatus(), e.reason().code(), e.getMessage());
        return Replies.toResponse(e.toReply(), e.reason());
    }
}
