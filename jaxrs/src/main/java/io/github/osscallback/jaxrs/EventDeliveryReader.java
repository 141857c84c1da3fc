package io.github.osscallback.jaxrs;

import io.github.osscallback.EventDelivery;
import jakarta.ws.rs.InternalServerErrorException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Reached only when an {@link EventDelivery} parameter is on a method that is not
 * {@link OssEventVerified} (on one that is, {@link EventDeliveryInterceptor} answers first): a
 * delivery is never made from an unverified body.
 */
final class EventDeliveryReader implements MessageBodyReader<EventDelivery> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == EventDelivery.class;
    }

    @Override
    public EventDelivery readFrom(Class<EventDelivery> type, Type genericType, Annotation[] annotations,
                                  MediaType mediaType, MultivaluedMap<String, String> headers, InputStream entity) {
        throw new InternalServerErrorException("an EventDelivery parameter needs @OssEventVerified on the method");
    }
}
