package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Checks what an {@link OssCallbackVerified} method answers OSS with, as the servlet filter does
 * ({@link CallbackEndpoint#checkReply}): a reply OSS would refuse (not JSON, empty, over 1 MB) is
 * logged as an error and passed on unchanged. A {@link CallbackReply} is skipped: its writer
 * always makes one OSS takes.
 */
@OssCallbackVerified
final class ReplyCheckInterceptor implements WriterInterceptor, ContainerResponseFilter {

    private static final byte[] EMPTY = new byte[0];

    private final CallbackEndpoint endpoint;

    ReplyCheckInterceptor(CallbackEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** A reply without an entity never reaches a writer: it is empty. */
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (verified(request) && !response.hasEntity()) {
            endpoint.checkReply(response.getMediaType() == null ? null : response.getMediaType().toString(), EMPTY);
        }
    }

    @Override
    public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
        if (context.getEntity() instanceof CallbackReply || context.getProperty(OssCallbackRequestFilter.PROPERTY) == null) {
            context.proceed();
            return;
        }
        OutputStream out = context.getOutputStream();
        ByteArrayOutputStream written = new ByteArrayOutputStream(256);
        context.setOutputStream(written);
        try {
            context.proceed();
        } finally {
            context.setOutputStream(out);
        }
        byte[] body = written.toByteArray();
        endpoint.checkReply(context.getMediaType() == null ? null : context.getMediaType().toString(), body);
        out.write(body);
    }

    /** Only replies to verified callbacks: a rejection is the filter's own reply. */
    private static boolean verified(ContainerRequestContext request) {
        return request.getProperty(OssCallbackRequestFilter.PROPERTY) != null;
    }
}
