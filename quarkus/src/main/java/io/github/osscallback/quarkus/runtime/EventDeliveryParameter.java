package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.EventDelivery;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.core.parameters.ParameterExtractor;

/**
 * Gives an {@link EventDelivery} resource-method parameter the delivery {@link OssEventFilter}
 * verified. Public, with a public constructor, because the build records it; not API.
 */
public class EventDeliveryParameter implements ParameterExtractor {

    @Override
    public Object extractParameter(ResteasyReactiveRequestContext context) {
        Object delivery = context.getContainerRequestContext().getProperty(OssEventFilter.PROPERTY);
        if (delivery == null) {
            // The build refuses such methods unless @OssEventVerified; a resource it could not see lands here.
            throw new IllegalStateException("a resource method takes the verified EventDelivery, but nothing verified"
                    + " this request: annotate the method @OssEventVerified");
        }
        return delivery;
    }
}
