package io.github.osscallback.solon;

import io.github.osscallback.EventDelivery;
import java.util.Optional;
import org.noear.solon.core.handle.Context;

/**
 * The verified OSS event delivery (MNS or EventBridge) of a Solon request on
 * {@code oss.callback.events.paths}, for handlers that do not take {@link EventDelivery} as a
 * parameter (routed lambdas, {@code Handler}s, interceptors).
 */
public final class OssEvents {

    /** The context attribute holding the verified {@link EventDelivery}. */
    public static final String ATTRIBUTE = EventDelivery.class.getName();

    private OssEvents() {
    }

    /**
     * The verified delivery of this request.
     *
     * @throws IllegalStateException if the request was not verified: its path is not under
     *     {@code oss.callback.events.paths}, or events are off
     */
    public static EventDelivery from(Context ctx) {
        return find(ctx).orElseThrow(() -> new IllegalStateException("no verified OSS event delivery on this"
                + " request: is its path under oss.callback.events.paths?"));
    }

    /** The verified delivery, if the plugin verified this request. */
    public static Optional<EventDelivery> find(Context ctx) {
        Object value = ctx.attr(ATTRIBUTE);
        return value instanceof EventDelivery ? Optional.of((EventDelivery) value) : Optional.empty();
    }
}
