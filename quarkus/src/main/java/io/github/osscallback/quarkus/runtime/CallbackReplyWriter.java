package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.CallbackReply;
import jakarta.inject.Inject;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveResourceInfo;
import org.jboss.resteasy.reactive.server.spi.ServerHttpResponse;
import org.jboss.resteasy.reactive.server.spi.ServerMessageBodyWriter;
import org.jboss.resteasy.reactive.server.spi.ServerRequestContext;

/**
 * Writes a {@link CallbackReply} (a resource method's or a rejection's) as it is: its bytes with
 * their exact Content-Length, in one write, after {@code OssCallbackFilter.reply} set its status,
 * headers and Content-Type. A reply to
 * a verified callback is first checked as OSS will take it ({@code CallbackEndpoint.checkReply}).
 * Where {@link CallbackReplyInterceptor} runs (every resource method: it is global), Quarkus REST
 * calls {@code writeTo} instead and the interceptor checks and frames the bytes.
 */
@Provider
@Produces(MediaType.WILDCARD)
public final class CallbackReplyWriter implements ServerMessageBodyWriter<CallbackReply> {

    private final CallbackSetup setup;

    @Inject
    public CallbackReplyWriter(CallbackSetup setup) {
        this.setup = setup;
    }

    /** The response for a rejection's reply, which this writer writes. */
    static Response response(CallbackReply reply) {
        return Response.status(reply.status()).entity(reply).build();
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, ResteasyReactiveResourceInfo target, MediaType mediaType) {
        return CallbackReply.class.isAssignableFrom(type);
    }

    @Override
    public void writeResponse(CallbackReply reply, Type genericType, ServerRequestContext context) {
        if (context instanceof ResteasyReactiveRequestContext
                && ((ResteasyReactiveRequestContext) context).getContainerRequestContext()
                        .getProperty(OssCallbackFilter.PROPERTY) != null) {
            setup.endpoint().checkReply(reply.contentType(), reply.body());
        }
        // Status, headers and Content-Type were set on the JAX-RS response (OssCallbackFilter.reply),
        // which Quarkus REST writes when the response commits.
        ServerHttpResponse response = context.serverResponse();
        response.setResponseHeader("Content-Length", String.valueOf(reply.contentLength()));
        response.end(reply.body());
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return CallbackReply.class.isAssignableFrom(type);
    }

    @Override
    public void writeTo(CallbackReply reply, Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType,
                        MultivaluedMap<String, Object> headers, OutputStream out) throws IOException {
        // Where writer interceptors run, Quarkus REST calls this rather than writeResponse: the bytes, exactly.
        headers.putSingle("Content-Type", reply.contentType());
        headers.putSingle("Content-Length", String.valueOf(reply.contentLength()));
        reply.writeBodyTo(out);
    }
}
