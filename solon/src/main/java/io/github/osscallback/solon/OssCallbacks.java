package io.github.osscallback.solon;

import io.github.osscallback.OssCallback;
import java.util.Optional;
import org.noear.solon.core.handle.Context;

/**
 * The verified callback of a Solon request, for handlers that do not take {@link OssCallback} as
 * a parameter (routed lambdas, {@code Handler}s, interceptors).
 */
public final class OssCallbacks {

    /** The context attribute holding the verified {@link OssCallback}. */
    public static final String ATTRIBUTE = OssCallback.class.getName();

    private OssCallbacks() {
    }

    /**
     * The verified callback of this request.
     *
     * @throws IllegalStateException if the request was not verified: its path is not under
     *     {@code oss.callback.paths}
     */
    public static OssCallback from(Context ctx) {
        return find(ctx).orElseThrow(() -> new IllegalStateException("no verified OSS callback on this request:"
                + " is its path under oss.callback.paths?"));
    }

    /** The verified callback, if the plugin verified this request. */
    public static Optional<OssCallback> find(Context ctx) {
        Object value = ctx.attr(ATTRIBUTE);
        return value instanceof OssCallback ? Optional.of((OssCallback) value) : Optional.empty();
    }
}
