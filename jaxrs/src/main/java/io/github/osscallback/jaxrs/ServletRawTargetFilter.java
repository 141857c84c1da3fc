package io.github.osscallback.jaxrs;

import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;

/**
 * Reads the raw target of a JAX-RS request served by a servlet container (Jersey's servlet
 * container, RESTEasy's servlet dispatcher): {@code getRequestURI()} and {@code getQueryString()}
 * are what the client sent. Registered only when the servlet API is present; on a runtime that
 * is not servlet-based it finds no servlet request and stores nothing.
 */
@OssCallbackVerified
class ServletRawTargetFilter implements ContainerRequestFilter {

    private static final String HK2_PROXY = "org.glassfish.hk2.api.ProxyCtl";

    @Context
    private HttpServletRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        HttpServletRequest servletRequest = request;
        if (servletRequest == null) {
            return; // the runtime has no servlet request to inject (Jersey on Grizzly, say)
        }
        String path;
        String query;
        String remoteAddress;
        try {
            path = servletRequest.getRequestURI();
            query = servletRequest.getQueryString();
            remoteAddress = servletRequest.getRemoteAddr();
        } catch (RuntimeException notServlet) {
            // Runtimes that inject a proxy (RESTEasy) throw here when the request came from elsewhere.
            return;
        }
        if (path != null) {
            context.setProperty(RawTarget.PROPERTY, new RawTarget(path, query, remoteAddress, () -> unwrap(servletRequest)));
        }
    }

    /**
     * The container's own request, under the runtime's proxy and any wrappers. Jersey injects an
     * HK2 proxy, whose {@code ProxyCtl.__make()} returns the request it stands for; another
     * runtime's proxy is left as it is (the container check then finds no Jetty request).
     */
    static Object unwrap(ServletRequest request) {
        ServletRequest inner = request;
        for (Class<?> face : request.getClass().getInterfaces()) {
            if (HK2_PROXY.equals(face.getName())) {
                try {
                    Object made = face.getMethod("__make").invoke(request);
                    if (made instanceof ServletRequest) {
                        inner = (ServletRequest) made;
                    }
                } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                    return request; // an HK2 without __make: the proxy it is
                }
            }
        }
        while (inner instanceof ServletRequestWrapper) {
            inner = ((ServletRequestWrapper) inner).getRequest();
        }
        return inner;
    }

    /** The same source for {@link OssEventVerified} methods: a name-bound filter runs only where all its bindings are. */
    @OssEventVerified
    static final class ForEvents extends ServletRawTargetFilter {
    }
}
