package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackReply;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/** Lets resource methods return a {@link CallbackReply}; it is written as the JSON OSS expects. */
@Produces({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
final class CallbackReplyWriter implements MessageBodyWriter<CallbackReply> {

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
        headers.putSingle("Content-Type", reply.contentType());
        headers.putSingle("Content-Length", reply.contentLength());
        reply.writeBodyTo(out);
    }
}
