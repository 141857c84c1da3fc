package io.github.osscallback.solon;

import io.github.osscallback.spi.CallbackPaths;
import org.noear.solon.core.handle.Context;
import org.noear.solon.core.util.PathMatcher;

/**
 * The paths a filter of the plugin covers, matched against the routed path (decoded, context path
 * removed) with Solon's case sensitivity, so they cover exactly what handlers are routed by.
 */
final class RoutedPaths {

    private static final System.Logger LOG = System.getLogger(OssCallbackPlugin.class.getName());

    private final CallbackPaths paths;
    private final CallbackPaths pathsIgnoringCase;

    RoutedPaths(CallbackPaths paths) {
        this.paths = paths;
        this.pathsIgnoringCase = paths.ignoringCase();
    }

    /** Whether the filter verifies this request: one of its paths, and not already verified. */
    boolean covers(Context ctx) {
        String routed = ctx.pathNew();
        return !(ctx instanceof VerifiedContext) && routed != null
                && (PathMatcher.isCaseSensitive() ? paths : pathsIgnoringCase).matches(routed);
    }

    /**
     * The request target as sent, or null after answering 500: never verified from Solon's decoded
     * path, where a genuine request would fail or a forged one pass. Start-up refuses servers whose
     * target the plugin cannot read, so this is a last guard.
     *
     * @param filter the filter, for the log line
     * @param what what cannot be verified ({@code callbacks}, {@code deliveries})
     */
    static RawTarget rawTarget(Context ctx, String filter, String what) {
        RawTarget target = RawTarget.of(ctx);
        if (target == null) {
            LOG.log(System.Logger.Level.ERROR, "{0}: cannot read the request target as sent on this server ({1});"
                    + " {2} to it cannot be verified. Run the application on smart-http (solon-web) or a servlet"
                    + " server", filter, ctx.request() == null ? "none" : ctx.request().getClass().getName(), what);
            ctx.status(500);
            ctx.setHandled(true);
        }
        return target;
    }

    @Override
    public String toString() {
        return paths.toString();
    }
}
