package io.github.osscallback.solon;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.spi.CallbackEndpoint;
import io.github.osscallback.spi.CallbackPaths;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.noear.solon.Utils;
import org.noear.solon.core.handle.Context;
import org.noear.solon.core.handle.ContextHolder;
import org.noear.solon.core.handle.Filter;
import org.noear.solon.core.handle.FilterChain;

/**
 * Verifies every request to the callback paths before any handler runs: a rejection is answered
 * here (400/403/405/413/503 with its reason code) and nothing of the application sees it; a
 * verified callback goes on as a {@link VerifiedContext}, whose reply is sent here with an exact
 * Content-Length.
 */
final class CallbackFilter implements Filter {

    static final String NAME = "OssCallbackPlugin";
    private static final System.Logger LOG = System.getLogger(OssCallbackPlugin.class.getName());

    private final CallbackEndpoint endpoint;
    private final RoutedPaths paths;

    CallbackFilter(CallbackEndpoint endpoint, CallbackPaths paths) {
        this.endpoint = endpoint;
        this.paths = new RoutedPaths(paths);
    }

    @Override
    public void doFilter(Context ctx, FilterChain chain) throws Throwable {
        if (!paths.covers(ctx)) {
            chain.doFilter(ctx);
            return;
        }
        RawTarget target = RoutedPaths.rawTarget(ctx, NAME, "callbacks");
        if (target == null) {
            return;
        }
        CallbackEndpoint.Verified verified;
        try {
            verified = endpoint.verify(new Incoming(ctx, target));
        } catch (CallbackRejectedException e) {
            reject(ctx, e);
            return;
        }
        ctx.attrSet(OssCallbacks.ATTRIBUTE, verified.callback());
        VerifiedContext downstream = new VerifiedContext(ctx, verified);
        ContextHolder.currentSet(downstream);
        try {
            chain.doFilter(downstream);
        } catch (Throwable e) {
            Throwable cause = Utils.throwableUnwrap(e);
            if (!(cause instanceof CallbackRejectedException)) {
                throw e; // the held reply is dropped: Solon answers the failure
            }
            // The application refused the verified callback: answered as the filter's own rejections.
            CallbackRejectedException refused = (CallbackRejectedException) cause;
            CallbackEndpoint.logRejection(LOG, "the application's handler", refused, ctx.method(), ctx.remoteIp());
            reject(ctx, refused);
            return;
        } finally {
            ContextHolder.currentSet(ctx);
            ctx.result = downstream.result;
            ctx.errors = downstream.errors;
        }
        byte[] reply = downstream.replyBytes();
        endpoint.checkReply(downstream.replyContentType(), reply);
        ctx.contentLength(reply.length);
        if (reply.length > 0) {
            ctx.output(reply);
        }
    }

    private static void reject(Context ctx, CallbackRejectedException e) {
        ctx.attrSet(CallbackEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
        CallbackReplies.write(ctx, e.toReply());
        ctx.setHandled(true);
    }

    /** A Solon request as the verifier sees it: the target as sent, the headers and the body stream. */
    static class Incoming implements CallbackEndpoint.Incoming {
        final Context ctx;
        final RawTarget target;

        Incoming(Context ctx, RawTarget target) {
            this.ctx = ctx;
            this.target = target;
        }

        @Override
        public String method() {
            return ctx.method();
        }

        @Override
        public String rawPath() {
            return target.path;
        }

        @Override
        public String rawQuery() {
            return target.query;
        }

        @Override
        public List<String> headers(String name) {
            String[] values = ctx.headerValues(name);
            return values == null ? null : Arrays.asList(values);
        }

        @Override
        public InputStream body() throws java.io.IOException {
            return ctx.bodyAsStream();
        }

        @Override
        public long declaredLength() {
            return ctx.contentLength();
        }

        @Override
        public String remoteAddress() {
            return ctx.remoteIp();
        }

        @Override
        public Object containerRequest() {
            return ctx.request();
        }
    }
}
