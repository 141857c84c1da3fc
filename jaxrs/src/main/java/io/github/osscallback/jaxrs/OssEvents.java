package io.github.osscallback.jaxrs;

import io.github.osscallback.EventDelivery;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.Optional;

/**
 * The verified delivery of an {@link OssEventVerified} request, for code that has the request
 * context (a filter, or a resource method on a runtime that injects it). A resource method more
 * simply declares an {@link EventDelivery} entity parameter.
 */
public final class OssEvents {

    /** The request property holding the verified {@link EventDelivery}. */
    public static final String PROPERTY = EventDelivery.class.getName();

    private OssEvents() {
    }

    /**
     * The verified delivery of this request.
     *
     * @throws IllegalStateException if the request was not verified by {@link OssEventFeature}
     */
    public static EventDelivery from(ContainerRequestContext context) {
        return find(context).orElseThrow(() -> new IllegalStateException("no verified OSS event delivery on this"
                + " request: is the method @OssEventVerified and OssEventFeature registered?"));
    }

    /** The verified delivery, if {@link OssEventFeature} verified this request. */
    public static Optional<EventDelivery> find(ContainerRequestContext context) {
        Object value = context.getProperty(PROPERTY);
        return value instanceof EventDelivery ? Optional.of((EventDelivery) value) : Optional.empty();
    }
}
