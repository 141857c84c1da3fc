package io.github.osscallback.servlet;

import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import javax.servlet.DispatcherType;
import javax.servlet.Filter;
import javax.servlet.http.HttpServlet;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * Embedded Jetty 10 (Servlet 4, javax), or Jetty 9.4 in this module's second run, configured as
 * docs/containers.md tells Jetty users to. This module's own, not generated from the servlet
 * module's test sources: that module's fixture starts Jetty 12, whose API differs, and the shared
 * connector set-up in the test fixtures is compiled against Jetty 12.
 */
final class JettyFixture implements ContainerFixture {
    private final boolean headerCacheCaseSensitive;
    private Server server;

    JettyFixture() {
        this(true);
    }

    /** @param headerCacheCaseSensitive false leaves Jetty's default, which may rewrite a signature's case */
    JettyFixture(boolean headerCacheCaseSensitive) {
        this.headerCacheCaseSensitive = headerCacheCaseSensitive;
    }

    @Override
    public String start(String contextPath, String mapping, Filter filter, Map<String, String> initParams,
                        HttpServlet servlet) throws Exception {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
        FilterHolder holder = filter != null ? new FilterHolder(filter) : new FilterHolder(OssCallbackFilter.class);
        holder.setInitParameters(initParams);
        context.addFilter(holder, mapping, EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(servlet), mapping);
        return startWith(context) + contextPath;
    }

    @Override
    public String startAsyncCapable(String mapping, List<Filter> filters, HttpServlet servlet) throws Exception {
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        for (Filter filter : filters) {
            FilterHolder holder = new FilterHolder(filter);
            holder.setAsyncSupported(true);
            context.addFilter(holder, mapping, EnumSet.of(DispatcherType.REQUEST));
        }
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, mapping);
        return startWith(context);
    }

    private String startWith(ServletContextHandler context) throws Exception {
        server = new Server();
        HttpConfiguration httpConfig = new HttpConfiguration();
        setHeaderCacheCaseSensitive(httpConfig, headerCacheCaseSensitive);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        // Longer than any run: a server closing an idle pooled connection races the client reusing it.
        connector.setIdleTimeout(600_000);
        server.addConnector(connector);
        server.setHandler(context);
        server.start();
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    /**
     * Jetty 10 has the setting. Jetty 9.4, on which this module runs its Jetty tests again, has
     * none, and its per-connection header cache ignores case in every HTTP compliance mode but
     * LEGACY: there, as docs/containers.md says, the cache is turned off instead.
     */
    private static void setHeaderCacheCaseSensitive(HttpConfiguration httpConfig, boolean sensitive) throws Exception {
        Method setter;
        try {
            setter = HttpConfiguration.class.getMethod("setHeaderCacheCaseSensitive", boolean.class);
        } catch (NoSuchMethodException jetty94) {
            if (sensitive) {
                httpConfig.setHeaderCacheSize(0);
            }
            return;
        }
        setter.invoke(httpConfig, sensitive);
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }
}
