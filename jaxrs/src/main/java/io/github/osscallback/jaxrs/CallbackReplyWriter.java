package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackReply;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Map;

/**
 * The one way a {@link CallbackReply} is written, whether a resource method returns it or the
 * filter or the exception mapper answers with a rejection: its headers, {@code application/json}
 * and an exact Content-Length, as OSS requires.
 */
@Produces({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
final class CallbackReplyWriter implements MessageBodyWriter<CallbackReply> {

    /** A response carrying the reply, with the reply's status; its body is written by this writer. */
    static Response response(CallbackReply reply) {
        return Response.status(reply.status()).type(reply.contentType()).entity(reply).build();
    }

    @Override
    public boolean isWriteable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return CallbackReply.class.isAssignableFrom(type);
    }

    @Override
    public long getSize(CallbackReply reply, Class<?> type, Type genericType, Annotation[] annotations,
                        MediaType mediaType) {
        return reply.contentLength();
    }

    @Override
    public void writeTo(CallbackReply reply, Class<?> type, Type genericType, Annotation[] annotations,
                        MediaType mediaType, MultivaluedMap<String, Object> headers, OutputStream out)
            throws IOException {
        for (Map.Entry<String, String> header : reply.headers().entrySet()) {
            headers.putSingle(header.getKey(), header.getValue());
        }
        headers.putSingle("Content-Type", reply.contentType());
        headers.putSingle("Content-Length", reply.contentLength());
        reply.writeBodyTo(out);
    }
}
