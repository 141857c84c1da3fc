package io.github.osscallback.jaxrs;

import jakarta.ws.rs.container.ContainerRequestFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses, once per application, the filters that read the raw request target from the container
 * underneath JAX-RS (see {@link RawTarget}). Each is chosen only when the classes it names can be
 * loaded, so an application without the servlet API, Grizzly or Jersey never loads a filter that
 * refers to them. Where none applies (e.g. RESTEasy on Netty or Vert.x), the verifier gets
 * {@code UriInfo.getRequestUri()}.
 */
final class RawTargetSources {

    private RawTargetSources() {
    }

    /** The sources for {@link OssCallbackVerified} methods. */
    static List<ContainerRequestFilter> available() {
        return available(false);
    }

    /**
     * The sources for {@link OssEventVerified} methods: the same filters under the event binding,
     * each a class of its own, so registering both features registers each source once per
     * binding (a runtime ignores a second registration of one class) and each request runs it once.
     */
    static List<ContainerRequestFilter> forEvents() {
        return available(true);
    }

    private static List<ContainerRequestFilter> available(boolean events) {
        ClassLoader loader = RawTargetSources.class.getClassLoader();
        List<ContainerRequestFilter> sources = new ArrayList<>();
        if (present(loader, "jakarta.servlet.http.HttpServletRequest")) {
            sources.add(events ? new ServletRawTargetFilter.ForEvents() : new ServletRawTargetFilter());
        }
        if (present(loader, "org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer")
                && present(loader, "org.glassfish.grizzly.http.server.Request")
                && present(loader, "jakarta.inject.Provider")) {
            sources.add(events ? new GrizzlyRawTargetFilter.ForEvents() : new GrizzlyRawTargetFilter());
        }
        if (present(loader, "org.glassfish.jersey.jdkhttp.JdkHttpHandlerContainer")
                && present(loader, "org.glassfish.jersey.server.spi.ContainerLifecycleListener")) {
            sources.add(events ? new JdkHttpRawTargetFilter.ForEvents() : new JdkHttpRawTargetFilter());
        }
        return sources;
    }

    /** Whether Jersey's lifecycle contract is there, through which the feature closes what it built. */
    static boolean jersey() {
        return present(RawTargetSources.class.getClassLoader(), "org.glassfish.jersey.server.spi.ContainerLifecycleListener");
    }

    private static boolean present(ClassLoader loader, String className) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
