package io.github.osscallback.servlet;

import io.github.osscallback.fixtures.Jetty;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 (EE10, Servlet 6), configured as the README tells Jetty users to. */
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
        ServletContextHandler context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
        FilterHolder holder = filter != null ? new FilterHolder(filter) : new FilterHolder(OssCallbackFilter.class);
        holder.setInitParameters(initParams);
        context.addFilter(holder, mapping, EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(servlet), mapping);
        return startWith(context) + contextPath;
    }

    @Override
    public String startAsyncCapable(String mapping, List<Filter> filters, HttpServlet servlet) throws Exception {
        ServletContextHandler context = new ServletContextHandler("/");
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
        ServerConnector connector = Jetty.addConnector(server, "127.0.0.1", 0, headerCacheCaseSensitive);
        server.setHandler(context);
        server.start();
        return "http://127.0.0.1:" + connector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }
}
