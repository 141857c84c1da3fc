package io.github.osscallback.solon;

import io.github.osscallback.CallbackReply;
import java.util.Map;
import org.noear.solon.core.handle.Context;
import org.noear.solon.core.handle.ReturnValueHandler;

/**
 * Writes a {@link CallbackReply} an action returns as itself: its status, headers, exact media
 * type and bytes (Solon would otherwise render the object as a JSON bean). The filter sends what
 * is written with its Content-Length.
 */
final class CallbackReplies implements ReturnValueHandler {

    @Override
    public boolean matched(Context ctx, Class<?> returnType) {
        return CallbackReply.class.isAssignableFrom(returnType);
    }

    @Override
    public void returnHandle(Context ctx, Object returnValue) {
        write(ctx, (CallbackReply) returnValue);
    }

    /** Writes a reply on a context: the verified one (held, then sent by the filter) or the server's. */
    static void write(Context ctx, CallbackReply reply) {
        ctx.status(reply.status());
        for (Map.Entry<String, String> header : reply.headers().entrySet()) {
            ctx.headerSet(header.getKey(), header.getValue());
        }
        // Set as the header itself: Solon's contentType(...) appends a charset to the media type.
        ctx.headerSet("Content-Type", reply.contentType());
        ctx.contentLength(reply.contentLength());
        ctx.output(reply.body());
        ctx.setRendered(true);
    }
}
