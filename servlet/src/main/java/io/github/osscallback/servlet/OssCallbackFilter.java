package io.github.osscallback.servlet;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import io.github.osscallback.spi.ContainerCheck;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A servlet filter that lets only verified OSS callbacks through. It reads the body once,
 * verifies it with a {@link CallbackVerifier}, and hands the rest of the chain a request whose
 * body can be read again (stream, reader or form parameters) and whose {@link OssCallback} is
 * available through {@link OssCallbacks#from}. Rejected requests get a JSON error and never reach
 * the chain.
 *
 * <p>Configure it in code with {@link #OssCallbackFilter(CallbackVerifier)}, or declare it in
 * {@code web.xml} with init-params named as in {@link io.github.osscallback.spi.VerifierSettings}
 * ({@code maxBodyBytes}); an init-param that is no setting fails {@link #init}, naming the
 * setting it most likely meant.
 * Behind a reverse proxy that strips a path prefix, set the verifier's {@code signedPathPrefix}.
 *
 * <p>What the rest of the chain writes is held (up to OSS's 1 MB limit) and sent with an exact
 * Content-Length, as OSS requires, however it was written; a reply OSS would refuse (not JSON,
 * empty, over 1 MB) is logged as an error. Map this filter before any filter that reads request
 * parameters: reading a form body's parameters consumes it before the signature is checked.
 *
 * <p>On Jetty, set {@code HttpConfiguration.setHeaderCacheCaseSensitive(true)}: Jetty's default
 * header cache may hand the filter a signature whose letters changed case, which then fails. The
 * filter reads that setting at its first request and logs a warning if it is off.
 */
public class OssCallbackFilter implements Filter {

    private static final System.Logger LOG = System.getLogger(OssCallbackFilter.class.getName());

    private CallbackEndpoint endpoint;
    private String name = "OssCallbackFilter";
    private final AtomicBoolean asyncSaid = new AtomicBoolean();

    /** For {@code web.xml} and {@code @WebFilter}: configured from init-params in {@link #init}. */
    public OssCallbackFilter() {
    }

    /** A filter using the given verifier. */
    public OssCallbackFilter(CallbackVerifier verifier) {
        this.endpoint = CallbackEndpoint.of("OssCallbackFilter", Objects.requireNonNull(verifier, "verifier"), LOG)
                .withContainerCheck(ContainerCheck.jettyHeaderCache());
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        name = "OssCallbackFilter '" + config.getFilterName() + "'";
        if (endpoint != null) {
            List<String> ignored = Collections.list(config.getInitParameterNames());
            if (!ignored.isEmpty()) {
                // The verifier passed in is configured in code; init-params beside it would be a defence off silently.
                throw new ServletException(name + " was given a verifier and init-params " + ignored
                        + ", which would not apply to it: configure the verifier in code, or declare the filter"
                        + " by class and configure it from init-params alone");
            }
            return;
        }
        try {
            // The endpoint owns the verifier it builds, and destroy() closes it.
            this.endpoint = CallbackEndpoint.configured(name, "init-params", "",
                    Collections.list(config.getInitParameterNames()), config::getInitParameter, LOG)
                    .withContainerCheck(ContainerCheck.jettyHeaderCache());
        } catch (IllegalStateException e) {
            throw new ServletException(e.getMessage(), e);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
            chain.doFilter(req, res);
            return;
        }
        if (endpoint == null) {
            throw new ServletException("OssCallbackFilter was not initialised");
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        CallbackEndpoint.Verified verified;
        try {
            verified = endpoint.verify(new Incoming(request));
        } catch (CallbackRejectedException e) {
            request.setAttribute(CallbackEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
            OssCallbacks.reply(response, e.toReply());
            return;
        }
        OssCallback callback = verified.callback();
        HttpServletRequest downstream = new VerifiedRequest(request, verified);
        downstream.setAttribute(OssCallbacks.ATTRIBUTE, callback);
        BufferedReply reply = new BufferedReply(response, endpoint, name);
        try {
            chain.doFilter(downstream, reply);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            try {
                reply.abandon();
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        boolean async = downstream.isAsyncStarted();
        if (async && !asyncSaid.get() && !asyncSaid.getAndSet(true)) {
            LOG.log(System.Logger.Level.WARNING, "{0}: a reply was made asynchronously (startAsync); the filter cannot"
                    + " hold it to send an exact Content-Length, so its framing is the container''s, and OSS fails a"
                    + " callback whose reply has none. Reply before the handler returns. (Said once.)", name);
        }
        reply.finish(async);
    }

    /** Closes the verifier this filter built from init-params, stopping its key-fetch threads; one passed in is left open. */
    @Override
    public void destroy() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /** A servlet request as the verifier sees it: the target exactly as the client sent it. */
    static class Incoming implements CallbackEndpoint.Incoming {
        final HttpServletRequest request;

        Incoming(HttpServletRequest request) {
            this.request = request;
        }

        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public String rawPath() {
            return request.getRequestURI();
        }

        @Override
        public String rawQuery() {
            return request.getQueryString();
        }

        @Override
        public List<String> headers(String name) {
            Enumeration<String> values = request.getHeaders(name);
            if (values == null || !values.hasMoreElements()) {
                return values == null ? null : List.of();
            }
            // Each header the verifier reads comes once in a genuine callback: no list to grow for it.
            String first = values.nextElement();
            if (!values.hasMoreElements()) {
                return Collections.singletonList(first);
            }
            List<String> all = new ArrayList<>();
            all.add(first);
            while (values.hasMoreElements()) {
                all.add(values.nextElement());
            }
            return all;
        }

        @Override
        public InputStream body() throws IOException {
            return request.getInputStream();
        }

        @Override
        public long declaredLength() {
            return request.getContentLengthLong();
        }

        @Override
        public String remoteAddress() {
            return request.getRemoteAddr();
        }

        @Override
        public Object containerRequest() {
            return unwrap(request);
        }

        /** The container's own request, under any wrappers earlier filters added. */
        static Object unwrap(ServletRequest request) {
            ServletRequest inner = request;
            while (inner instanceof ServletRequestWrapper) {
                inner = ((ServletRequestWrapper) inner).getRequest();
            }
            return inner;
        }
    }
}
