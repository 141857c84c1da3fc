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

    static List<ContainerRequestFilter> available() {
        ClassLoader loader = RawTargetSources.class.getClassLoader();
        List<ContainerRequestFilter> sources = new ArrayList<>();
        if (present(loader, "jakarta.servlet.http.HttpServletRequest")) {
            sources.add(new ServletRawTargetFilter());
        }
        if (present(loader, "org.glassfish.jersey.grizzly2.httpserver.GrizzlyHttpContainer")
                && present(loader, "org.glassfish.grizzly.http.server.Request")
                && present(loader, "jakarta.inject.Provider")) {
            sources.add(new GrizzlyRawTargetFilter());
        }
        if (present(loader, "org.glassfish.jersey.jdkhttp.JdkHttpHandlerContainer")
                && present(loader, "org.glassfish.jersey.server.spi.ContainerLifecycleListener")) {
            sources.add(new JdkHttpRawTargetFilter());
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
