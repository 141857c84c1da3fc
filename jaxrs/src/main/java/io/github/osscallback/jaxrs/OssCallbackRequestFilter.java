package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;

/**
 * Verifies requests to {@link OssCallbackVerified} methods, restores the entity stream for the
 * resource, and stores the {@link OssCallback} as a request property. Rejections abort the
 * request with the JSON error reply; the resource method is never called. The path and query
 * verified are the raw ones a {@link RawTargetSources source filter} found, else the request URI.
 */
@OssCallbackVerified
final class OssCallbackRequestFilter implements ContainerRequestFilter {

    /** The request property holding the verified callback. */
    static final String PROPERTY = OssCallback.class.getName();

    private static final System.Logger LOG = System.getLogger(OssCallbackRequestFilter.class.getName());

    private final CallbackVerifier verifier;

    OssCallbackRequestFilter(CallbackVerifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public void filter(ContainerRequestContext context) {
        RawTarget target = RawTarget.of(context);
        try {
            // Not hasEntity(): on Jersey it waits for the first body byte, so an oversized declared
            // length would be refused only once the client starts sending.
            InputStream entity = context.getEntityStream();
            byte[] body = "POST".equals(context.getMethod()) && entity != null
                    ? verifier.readBody(entity, context.getLength())
                    : new byte[0];
            CallbackRequest.Builder request = CallbackRequest.builder()
                    .method(context.getMethod())
                    .path(target.path)
                    .query(target.query)
                    .body(body);
            for (String name : CallbackRequest.HEADERS_READ) {
                List<String> values = context.getHeaders().get(name);
                if (values != null) {
                    values.forEach(value -> request.header(name, value));
                }
            }
            OssCallback callback = verifier.verify(request.build());
            context.setEntityStream(new ByteArrayInputStream(body));
            context.setProperty(PROPERTY, callback);
        } catch (CallbackRejectedException e) {
            CallbackRejectedException.Reason reason = e.reason();
            LOG.log(System.Logger.Level.INFO, "OSS callback rejected: {0} {1}: {2} ({3})",
                    reason.httpStatus(), reason.code(), e.getMessage(), context.getMethod());
            context.setProperty(OssCallbackFeature.REJECTION_PROPERTY, reason.code());
            context.abortWith(Replies.toResponse(e.toReply(), reason));
        }
    }
}
