package io.github.osscallback.servlet;

import java.util.EnumSet;
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
 * Embedded Jetty 10 (Servlet 4, javax), configured as docs/containers.md tells Jetty users to. The
 * one test source of this module that is not generated from the servlet module's: that module's
 * fixture starts Jetty 12, whose API differs, and the shared connector set-up in the test fixtures
 * is compiled against Jetty 12.
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
        server = new Server();
        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setHeaderCacheCaseSensitive(headerCacheCaseSensitive);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        // Longer than any run: a server closing an idle pooled connection races the client reusing it.
        connector.setIdleTimeout(600_000);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath(contextPath.isEmpty() ? "/" : contextPath);
        FilterHolder holder = filter != null ? new FilterHolder(filter) : new FilterHolder(OssCallbackFilter.class);
        holder.setInitParameters(initParams);
        context.addFilter(holder, mapping, EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(servlet), mapping);
        server.setHandler(context);
        server.start();
        return "http://127.0.0.1:" + connector.getLocalPort() + contextPath;
    }

    @Override
    public void close() throws Exception {
        if (server != null) {
            server.stop();
        }
    }
}
