package io.github.osscallback.jaxrs;

import io.github.osscallback.fixtures.Jetty;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 and Tomcat 10.1 serving one servlet at {@code /app/api/*} on 127.0.0.1. */
final class ServletHosts {

    interface Host {
        int port();

        void stop() throws Exception;
    }

    private ServletHosts() {
    }

    /** Lets the servlet mark requests as having passed the container (see {@link RawTargetMatrix}). */
    static HttpServlet marking(HttpServlet servlet) {
        return new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            public void init(ServletConfig config) throws ServletException {
                super.init(config);
                servlet.init(config);
            }

            @Override
            protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
                RawTargetMatrix.markPassedContainer(req.getHeader(RawTargetMatrix.CASE_HEADER));
                servlet.service(req, resp);
            }

            @Override
            public void destroy() {
                servlet.destroy();
            }
        };
    }

    static Host jetty(HttpServlet servlet, Map<String, String> initParams) throws Exception {
        Server server = new Server();
        ServerConnector connector = Jetty.addConnector(server, "127.0.0.1", 0);
        ServletContextHandler context = new ServletContextHandler("/app");
        ServletHolder holder = new ServletHolder(marking(servlet));
        holder.setInitParameters(initParams);
        context.addServlet(holder, "/api/*");
        server.setHandler(context);
        server.start();
        int port = connector.getLocalPort();
        return new Host() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void stop() throws Exception {
                server.stop();
            }
        };
    }

    static Host tomcat(HttpServlet servlet, Map<String, String> initParams) throws Exception {
        java.nio.file.Path base = Files.createTempDirectory("tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("/app", base.toString());
        Wrapper wrapper = Tomcat.addServlet(context, "jaxrs", marking(servlet));
        initParams.forEach(wrapper::addInitParameter);
        context.addServletMappingDecoded("/api/*", "jaxrs");
        tomcat.start();
        int port = tomcat.getConnector().getLocalPort();
        return new Host() {
            @Override
            public int port() {
                return port;
            }

            @Override
            public void stop() throws Exception {
                tomcat.stop();
                tomcat.destroy();
            }
        };
    }
}
