package io.github.osscallback.solon;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssCallback;
import org.noear.solon.core.handle.ActionArgumentResolver;
import org.noear.solon.core.handle.Context;
import org.noear.solon.core.util.LazyReference;
import org.noear.solon.core.wrap.MethodWrap;
import org.noear.solon.core.wrap.ParamWrap;

/**
 * Gives an action's {@link OssCallback} parameter the verified callback, and an {@link EventDelivery}
 * parameter the verified event delivery. An action asking for one on a path the filters do not
 * cover is a configuration error: it fails (500) and never sees the request, rather than have
 * Solon build one from unverified parameters.
 */
final class CallbackArguments implements ActionArgumentResolver {

    @Override
    public boolean matched(Context ctx, ParamWrap pWrap) {
        return pWrap.getType() == OssCallback.class || pWrap.getType() == EventDelivery.class;
    }

    @Override
    @SuppressWarnings("rawtypes") // Solon's interface declares the raw type
    public Object resolveArgument(Context ctx, Object target, MethodWrap mWrap, ParamWrap pWrap, int pIndex,
                                  LazyReference bodyRef) {
        return pWrap.getType() == EventDelivery.class ? OssEvents.from(ctx) : OssCallbacks.from(ctx);
    }
}
