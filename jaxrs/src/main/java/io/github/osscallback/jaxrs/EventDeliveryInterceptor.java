package io.github.osscallback.jaxrs;

import io.github.osscallback.EventDelivery;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;

/**
 * Supplies the verified {@link EventDelivery} when an {@link OssEventVerified} method declares it
 * as its entity parameter; any other entity parameter reads the verified payload the filter left
 * as the entity stream.
 */
@OssEventVerified
final class EventDeliveryInterceptor implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        Object delivery = context.getProperty(OssEvents.PROPERTY);
        if (delivery instanceof EventDelivery && context.getType() == EventDelivery.class) {
            return delivery;
        }
        return context.proceed();
    }
}
