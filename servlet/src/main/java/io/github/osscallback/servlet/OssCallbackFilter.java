package io.github.osscallback.servlet;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackRequest;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.OssCallback;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
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
 * {@code web.xml} with init-params named as in {@link io.github.osscallback.VerifierSettings}.
 * Behind a reverse proxy that strips a path prefix, set the verifier's {@code signedPathPrefix}.
 *
 * <p>On Jetty, set {@code HttpConfiguration.setHeaderCacheCaseSensitive(true)}: Jetty's default
 * header cache may hand the filter a signature whose letters changed case, which then fails.
 */
public class OssCallbackFilter implements Filter {

    private static final System.Logger LOG = System.getLogger(OssCallbackFilter.class.getName());
    private static final String JETTY_HINT = ". On Jetty, genuine callbacks fail like this unless its HttpConfiguration"
            + " has setHeaderCacheCaseSensitive(true) (see the oss-callback README); this hint is logged once";

    private CallbackVerifier verifier;
    private final AtomicBoolean jettyHintLogged = new AtomicBoolean();

    /** For {@code web.xml} and {@code @WebFilter}: configured from init-params in {@link #init}. */
    public OssCallbackFilter() {
    }

    /** A filter using the given verifier. */
    public OssCallbackFilter(CallbackVerifier verifier) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (verifier != null) {
            return;
        }
        Map<String, String> settings = new HashMap<>();
        for (String name : Collections.list(config.getInitParameterNames())) {
            settings.put(name, config.getInitParameter(name));
        }
        try {
            this.verifier = CallbackVerifier.builder().settings(settings).build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new ServletException("OssCallbackFilter '" + config.getFilterName() + "' is misconfigured: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest) || !(res instanceof HttpServletResponse)) {
            chain.doFilter(req, res);
            return;
        }
        if (verifier == null) {
            throw new ServletException("OssCallbackFilter was not initialised");
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        OssCallback callback;
        byte[] body;
        try {
            body = "POST".equals(request.getMethod())
                    ? verifier.readBody(request.getInputStream(), request.getContentLengthLong())
                    : new byte[0];
            callback = verifier.verify(toCallbackRequest(request, body));
        } catch (CallbackRejectedException e) {
            reject(request, response, e);
            return;
        }
        HttpServletRequest verified = new VerifiedRequest(request, body, callback);
        verified.setAttribute(OssCallbacks.ATTRIBUTE, callback);
        chain.doFilter(verified, response);
    }

    private CallbackRequest toCallbackRequest(HttpServletRequest request, byte[] body) {
        CallbackRequest.Builder builder = CallbackRequest.builder()
                .method(request.getMethod())
                .path(request.getRequestURI())
                .query(request.getQueryString())
                .body(body);
        for (String name : CallbackRequest.HEADERS_READ) {
            Enumeration<String> values = request.getHeaders(name);
            while (values != null && values.hasMoreElements()) {
                builder.header(name, values.nextElement());
            }
        }
        return builder.build();
    }

    private void reject(HttpServletRequest request, HttpServletResponse response, CallbackRejectedException e)
            throws IOException {
        CallbackRejectedException.Reason reason = e.reason();
        // The one misconfiguration that turns genuine callbacks into mismatches: said once, where it shows.
        boolean hint = reason == CallbackRejectedException.Reason.SIGNATURE_MISMATCH && !jettyHintLogged.get()
                && isJetty(request) && !jettyHintLogged.getAndSet(true);
        LOG.log(hint ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                "OSS callback rejected: {0} {1} from {2}: {3} ({4}){5}", reason.httpStatus(), reason.code(),
                request.getRemoteAddr(), e.getMessage(), request.getMethod(), hint ? JETTY_HINT : "");
        request.setAttribute(OssCallbacks.REJECTION_ATTRIBUTE, reason.code());
        if (reason == CallbackRejectedException.Reason.METHOD_NOT_ALLOWED) {
            response.setHeader("Allow", "POST");
        }
        Replies.write(response, e.toReply());
    }

    private static boolean isJetty(HttpServletRequest request) {
        String serverInfo = request.getServletContext().getServerInfo();
        return serverInfo != null && serverInfo.toLowerCase(Locale.ROOT).contains("jetty");
    }

    @Override
    public void destroy() {
    }

    /** Writes replies with an exact Content-Length, as OSS requires. */
    static final class Replies {
        private Replies() {
        }

        static void write(HttpServletResponse response, CallbackReply reply) throws IOException {
            response.setStatus(reply.status());
            response.setContentType(reply.contentType());
            response.setContentLength(reply.contentLength());
            reply.writeBodyTo(response.getOutputStream());
            response.flushBuffer();
        }
    }
}
