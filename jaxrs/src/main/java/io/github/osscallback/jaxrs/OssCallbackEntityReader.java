package io.github.osscallback.jaxrs;

import io.github.osscallback.OssCallback;
import jakarta.ws.rs.InternalServerErrorException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Declares {@link OssCallback} readable so runtimes accept it as an entity type; the value itself
 * comes from {@link OssCallbackEntityInterceptor}. Reaching this reader means the method lacks
 * {@link OssCallbackVerified}: an OssCallback must never be built from an unverified body.
 */
final class OssCallbackEntityReader implements MessageBodyReader<OssCallback> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == OssCallback.class;
    }

    @Override
    public OssCallback readFrom(Class<OssCallback> type, Type genericType, Annotation[] annotations,
                                MediaType mediaType, MultivaluedMap<String, String> headers, InputStream entity) {
        throw new InternalServerErrorException("an OssCallback parameter needs @OssCallbackVerified on the method");
    }
}
