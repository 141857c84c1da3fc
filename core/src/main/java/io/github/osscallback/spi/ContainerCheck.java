package io.github.osscallback.spi;

/**
 * A look, once per {@link CallbackEndpoint} at its first request, at the container underneath an
 * adapter for settings that break genuine callbacks. The adapter passes the checks that fit its
 * containers when it makes the endpoint ({@link CallbackEndpoint#withContainerCheck}); core's
 * verify path knows no container itself. A check only logs: it must never fail a callback, and
 * whatever it throws is logged at debug level and ignored.
 */
@FunctionalInterface
public interface ContainerCheck {

    /**
     * Looks at the container's request object.
     *
     * @param containerRequest the container's own request under any wrappers, as
     *     {@link CallbackEndpoint.Incoming#containerRequest()} gives it; may be null
     * @param adapter the adapter's name, for the warning
     * @param log the adapter's logger, where a warning goes
     */
    void check(Object containerRequest, String adapter, System.Logger log);

    /**
     * Jetty's header cache: by default it may hand over a signature whose letters changed case to
     * an earlier request's, so a genuine callback fails with {@code signature_mismatch}. Warns when
     * the request is Jetty's and its connection's cache ignores case. Read by reflection: nothing
     * here needs Jetty's classes.
     */
    static ContainerCheck jettyHeaderCache() {
        return JettyHeaderCache::check;
    }
}
