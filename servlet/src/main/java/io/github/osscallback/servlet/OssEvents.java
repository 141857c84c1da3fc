package io.github.osscallback.servlet;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssEvent;
import jakarta.servlet.ServletRequest;
import java.util.List;
import java.util.Optional;

/** Typed access to what {@link OssEventFilter} verified: the delivery, its OSS events and its raw payload. */
public final class OssEvents {

    /** The request attribute holding the verified {@link EventDelivery}. */
    public static final String ATTRIBUTE = EventDelivery.class.getName();

    private OssEvents() {
    }

    /**
     * The verified delivery of this request (its raw payload is {@link EventDelivery#body()}, and
     * the request's body stream serves it again).
     *
     * @throws IllegalStateException if {@link OssEventFilter} did not run for this request
     */
    public static EventDelivery from(ServletRequest request) {
        return find(request).orElseThrow(() -> new IllegalStateException(
                "no verified OSS event delivery on this request: is OssEventFilter mapped to this path?"));
    }

    /** The verified delivery, if {@link OssEventFilter} ran for this request. */
    public static Optional<EventDelivery> find(ServletRequest request) {
        Object value = request.getAttribute(ATTRIBUTE);
        return value instanceof EventDelivery ? Optional.of((EventDelivery) value) : Optional.empty();
    }

    /** The OSS events of this request's verified delivery (empty when its message is no OSS event). */
    public static List<OssEvent> events(ServletRequest request) {
        return from(request).ossEvents();
    }
}
