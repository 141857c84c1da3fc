package io.github.osscallback.examples;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import io.github.osscallback.jaxrs.OssCallbackFeature;
import io.github.osscallback.jaxrs.OssCallbackVerified;
import io.github.osscallback.servlet.OssCallbackFilter;
import io.github.osscallback.servlet.OssCallbackServlet;
import io.github.osscallback.spi.CallbackEndpoint;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.glassfish.jersey.server.ResourceConfig;
import org.glassfish.jersey.servlet.ServletContainer;

/**
 * One Jetty server with both adapters: the servlet filter on {@code /servlet/*} and the JAX-RS
 * feature (on Jersey) on {@code /jaxrs/*}. Every path below either prefix is a callback endpoint
 * that answers with what it verified.
 */
final class ExampleServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    private ExampleServer(Server server, ServerConnector connector) {
        this.server = server;
        this.connector = connector;
    }

    static ExampleServer start(String bind, int port, CallbackVerifier verifier, PrintStream accessLog) throws Exception {
        return start(bind, port, verifier, accessLog, callback -> { });
    }

    /** As above; {@code onVerified} sees every callback that reaches an endpoint (tests count them). */
    static ExampleServer start(String bind, int port, CallbackVerifier verifier, PrintStream accessLog,
                               Consumer<OssCallback> onVerified) throws Exception {
        return start(bind, port, verifier, accessLog, onVerified, null, null);
    }

    /**
     * As above, plus, when {@code upload} is not null, the direct-upload demo: its page on
     * {@code /upload/}, policies on {@code /upload/policy}, and the callback its uploads make on
     * {@code /upload/callback}, verified by {@code uploadVerifier} (which requires upload tokens).
     */
    static ExampleServer start(String bind, int port, CallbackVerifier verifier, PrintStream accessLog,
                               Consumer<OssCallback> onVerified, DirectUpload upload,
                               CallbackVerifier uploadVerifier) throws Exception {
        Server server = new Server();
        // Otherwise Jetty's header cache may change the case of a signature to an earlier value's (README).
        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setHeaderCacheCaseSensitive(true);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        connector.setHost(bind);
        connector.setPort(port);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new AccessLog(accessLog)), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new OssCallbackFilter(verifier)), "/servlet/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new ServletEndpoint(onVerified)), "/servlet/*");
        ResourceConfig jaxrs = new ResourceConfig()
                .register(new JaxRsEndpoint(onVerified))
                .register(new OssCallbackFeature(verifier));
        context.addServlet(new ServletHolder(new ServletContainer(jaxrs)), "/jaxrs/*");
        if (upload != null) {
            context.addServlet(new ServletHolder(new UploadPage(upload)), "/upload/*");
            context.addFilter(new FilterHolder(new OssCallbackFilter(uploadVerifier)), DirectUpload.CALLBACK_PATH,
                    EnumSet.of(DispatcherType.REQUEST));
            context.addServlet(new ServletHolder(new UploadCallbackEndpoint(onVerified)), DirectUpload.CALLBACK_PATH);
        }
        server.setHandler(context);
        server.setStopAtShutdown(true);
        server.start();
        return new ExampleServer(server, connector);
    }

    int port() {
        return connector.getLocalPort();
    }

    void join() throws InterruptedException {
        server.join();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** The answer both endpoints give: what was verified, so a caller can see it. */
    static CallbackReply describe(OssCallback callback, String endpoint) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("status", "OK");
        reply.put("endpoint", endpoint);
        reply.put("bucket", callback.bucket().orElse(null));
        reply.put("object", callback.object().orElse(null));
        reply.put("size", callback.size().isPresent() ? callback.size().getAsLong() : null);
        reply.put("fields", callback.fields());
        return CallbackReply.json(reply);
    }

    /** The servlet endpoint. */
    static final class ServletEndpoint extends OssCallbackServlet {
        private static final long serialVersionUID = 1L;
        private final transient Consumer<OssCallback> onVerified;

        ServletEndpoint(Consumer<OssCallback> onVerified) {
            this.onVerified = onVerified;
        }

        @Override
        protected CallbackReply handle(OssCallback callback, HttpServletRequest request) {
            onVerified.accept(callback);
            return describe(callback, "servlet");
        }
    }

    /** The callback of a direct upload: verified, its upload token checked, answered with what it says. */
    static final class UploadCallbackEndpoint extends OssCallbackServlet {
        private static final long serialVersionUID = 1L;
        private final transient Consumer<OssCallback> onVerified;

        UploadCallbackEndpoint(Consumer<OssCallback> onVerified) {
            this.onVerified = onVerified;
        }

        @Override
        protected CallbackReply handle(OssCallback callback, HttpServletRequest request) {
            onVerified.accept(callback);
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("status", "OK");
            reply.put("endpoint", "upload");
            reply.put("bucket", callback.bucket().orElse(null));
            reply.put("object", callback.object().orElse(null));
            reply.put("size", callback.size().isPresent() ? callback.size().getAsLong() : null);
            reply.put("mimeType", callback.field("mimeType").orElse(null));
            reply.put("note", callback.field("note").orElse(null));
            reply.put("uploadedFor", callback.uploadSubject().orElse(null));
            return CallbackReply.json(reply);
        }
    }

    /** The demo page ({@code /upload/}) and the policies it asks for ({@code /upload/policy}). */
    static final class UploadPage extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient DirectUpload upload;
        private final byte[] page;

        UploadPage(DirectUpload upload) throws IOException {
            this.upload = upload;
            try (InputStream in = ExampleServer.class.getResourceAsStream("upload.html")) {
                this.page = in.readAllBytes();
            }
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
            response.setHeader("Cache-Control", "no-store");
            if (path.equals("/")) {
                response.setContentType("text/html;charset=utf-8");
                response.getOutputStream().write(page);
            } else if (path.equals("/policy")) {
                response.setContentType("application/json");
                response.getOutputStream().write(upload.issue().toJson().getBytes(StandardCharsets.UTF_8));
            } else {
                response.sendError(HttpServletResponse.SC_NOT_FOUND);
            }
        }
    }

    /** The JAX-RS endpoint. */
    @Path("/")
    public static final class JaxRsEndpoint {
        private final Consumer<OssCallback> onVerified;

        JaxRsEndpoint(Consumer<OssCallback> onVerified) {
            this.onVerified = onVerified;
        }

        @POST
        @Path("{any: .*}")
        @OssCallbackVerified
        public CallbackReply post(OssCallback callback) {
            onVerified.accept(callback);
            return describe(callback, "jaxrs");
        }

        /** Never runs: the verification filter answers any GET with 405. */
        @GET
        @Path("{any: .*}")
        @OssCallbackVerified
        public CallbackReply get() {
            throw new IllegalStateException("GET must be rejected before reaching the resource");
        }
    }

    /** One line per request: method, path, status, and the rejection reason if any. */
    static final class AccessLog implements Filter {
        private final PrintStream out;

        AccessLog(PrintStream out) {
            this.out = out;
        }

        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            try {
                chain.doFilter(req, res);
            } finally {
                HttpServletRequest request = (HttpServletRequest) req;
                Object reason = request.getAttribute(CallbackEndpoint.REJECTION_ATTRIBUTE);
                out.printf("%s %s -> %d %s%n", request.getMethod(), request.getRequestURI(),
                        ((HttpServletResponse) res).getStatus(), reason == null ? "" : reason);
            }
        }
    }
}
