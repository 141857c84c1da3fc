package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/** Turns replies into JAX-RS responses with an exact Content-Length. */
final class Replies {

    private Replies() {
    }

    static Response toResponse(CallbackReply reply, CallbackRejectedException.Reason reason) {
        Response.ResponseBuilder response = Response.status(reply.status())
                .type(reply.contentType())
                .header(HttpHeaders.CONTENT_LENGTH, reply.contentLength())
                .entity(reply.body());
        if (reason == CallbackRejectedException.Reason.METHOD_NOT_ALLOWED) {
            response.header(HttpHeaders.ALLOW, "POST");
        }
        return response.build();
    }
}
