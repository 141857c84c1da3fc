package io.github.osscallback.jaxrs;

import io.github.osscallback.BodyType;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.List;

/**
 * Verifies requests to {@link OssCallbackVerified} methods, restores the entity stream for the
 * resource (for a form, the verified fields re-encoded; see {@link OssCallbackEntityInterceptor}),
 * and stores the {@link OssCallback} as a request property. Rejections abort the
 * request with the JSON error reply; the resource method is never called. The path and query
 * verified are the raw ones a {@link RawTargetSources source filter} found, else the request URI.
 */
@OssCallbackVerified
final class OssCallbackRequestFilter implements ContainerRequestFilter {

    /** The request property holding the verified callback. */
    static final String PROPERTY = OssCallback.class.getName();

    private final CallbackEndpoint endpoint;

    OssCallbackRequestFilter(CallbackEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void filter(ContainerRequestContext context) {
        try {
            CallbackEndpoint.Verified verified = endpoint.verify(new Incoming(context, RawTarget.of(context)));
            // Runtimes may read @FormParam from this stream without any interceptor (RESTEasy does), so
            // a form's stream holds the verified fields; entity parameters get the signed bytes back.
            context.setEntityStream(verified.callback().bodyType() == BodyType.FORM
                    ? new ByteArrayInputStream(OssCallbackEntityInterceptor.reencoded(verified.callback()))
                    : verified.bodyStream());
            context.setProperty(PROPERTY, verified.callback());
        } catch (CallbackRejectedException e) {
            context.setProperty(CallbackEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
            context.abortWith(CallbackReplyWriter.response(e.toReply()));
        }
    }

    /** A JAX-RS request as the verifier sees it, with the raw target the container underneath gave. */
    static class Incoming implements CallbackEndpoint.Incoming {
        final ContainerRequestContext context;
        final RawTarget target;

        Incoming(ContainerRequestContext context, RawTarget target) {
            this.context = context;
            this.target = target;
        }

        @Override
        public String method() {
            return context.getMethod();
        }

        @Override
        public String rawPath() {
            return target.path;
        }

        @Override
        public String rawQuery() {
            return target.query;
        }

        @Override
        public List<String> headers(String name) {
            return context.getHeaders().get(name);
        }

        @Override
        public InputStream body() {
            // Not hasEntity(): on Jersey it waits for the first body byte, so an oversized declared
            // length would be refused only once the client starts sending.
            return context.getEntityStream();
        }

        @Override
        public long declaredLength() {
            return context.getLength();
        }

        @Override
        public String remoteAddress() {
            return target.remoteAddress;
        }

        @Override
        public Object containerRequest() {
            return target.containerRequest.get();
        }
    }
}
