package io.github.osscallback.solon;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.spi.CallbackPaths;
import io.github.osscallback.spi.EventEndpoint;
import java.util.Map;
import org.noear.solon.core.handle.Context;
import org.noear.solon.core.handle.ContextHolder;
import org.noear.solon.core.handle.Filter;
import org.noear.solon.core.handle.FilterChain;

/**
 * Verifies every request to the event paths before any handler runs: a refusal is answered here
 * (its reason's status, JSON, an exact Content-Length) and a redelivery 200 {@code DUPLICATE},
 * neither reaching the application; a verified delivery goes on as a {@link VerifiedContext}
 * serving the signed payload. When the handler throws or answers other than 2xx, the message id
 * is released, so the sender's retry reaches the handler as a first delivery.
 */
final class EventFilter implements Filter {

    static final String NAME = "OssCallbackPlugin events";

    private final EventEndpoint endpoint;
    private final RoutedPaths paths;

    EventFilter(EventEndpoint endpoint, CallbackPaths paths) {
        this.endpoint = endpoint;
        this.paths = new RoutedPaths(paths);
    }

    @Override
    public void doFilter(Context ctx, FilterChain chain) throws Throwable {
        if (!paths.covers(ctx)) {
            chain.doFilter(ctx);
            return;
        }
        RawTarget target = RoutedPaths.rawTarget(ctx, NAME, "deliveries");
        if (target == null) {
            return;
        }
        EventDelivery delivery;
        try {
            delivery = endpoint.verify(new Incoming(ctx, target));
        } catch (CallbackRejectedException e) {
            ctx.attrSet(EventEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
            reply(ctx, EventEndpoint.replyTo(e));
            return;
        }
        ctx.attrSet(OssEvents.ATTRIBUTE, delivery);
        VerifiedContext downstream = new VerifiedContext(ctx, delivery);
        ContextHolder.currentSet(downstream);
        try {
            chain.doFilter(downstream);
        } catch (Throwable e) {
            // Solon answers the failure (500, or the status the handler set); the sender will retry.
            endpoint.finished(delivery, 500);
            throw e;
        } finally {
            ContextHolder.currentSet(ctx);
            ctx.result = downstream.result;
            ctx.errors = downstream.errors;
        }
        endpoint.finished(delivery, ctx.status());
        byte[] reply = downstream.replyBytes();
        ctx.contentLength(reply.length);
        if (reply.length > 0) {
            ctx.output(reply);
        }
    }

    /** Writes a reply the filter makes itself, with an exact Content-Length. */
    private static void reply(Context ctx, EventEndpoint.Reply reply) {
        ctx.status(reply.status());
        for (Map.Entry<String, String> header : reply.headers().entrySet()) {
            ctx.headerSet(header.getKey(), header.getValue());
        }
        // Set as the header itself: Solon's contentType(...) appends a charset to the media type.
        ctx.headerSet("Content-Type", reply.contentType());
        ctx.contentLength(reply.contentLength());
        ctx.output(reply.body());
        ctx.setRendered(true);
        ctx.setHandled(true);
    }

    /** A Solon request as the event endpoint sees it: the callback filter's reading, every header name and the URL. */
    private static final class Incoming extends CallbackFilter.Incoming implements EventEndpoint.Incoming {

        Incoming(Context ctx, RawTarget target) {
            super(ctx, target);
        }

        @Override
        public Iterable<String> headerNames() {
            return ctx.headerNames();
        }

        /** The scheme and the Host header as sent, then the raw target: EventBridge signs the URL it was configured with. */
        @Override
        public String url() {
            String host = ctx.header("Host");
            if (host == null) {
                return null;
            }
            return (ctx.isSecure() ? "https" : "http") + "://" + host + target.path
                    + (target.query == null ? "" : "?" + target.query);
        }
    }
}
