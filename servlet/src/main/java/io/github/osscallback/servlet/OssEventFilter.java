package io.github.osscallback.servlet;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.spi.ContainerCheck;
import io.github.osscallback.spi.EventEndpoint;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

/**
 * A servlet filter that lets only verified OSS event deliveries (MNS topic push, EventBridge HTTP
 * targets) through, on paths of their own, apart from {@link OssCallbackFilter}'s. The rest of
 * the chain finds the {@link EventDelivery} through {@link OssEvents#from} and can read the raw
 * payload again from the request. A refused delivery is answered with its reason's status and
 * never reaches the chain; a redelivery of a message already handed over is answered 200
 * {@code DUPLICATE} without calling the chain, so the sender stops retrying. When the chain
 * throws or answers other than 2xx, the message id is released, so the sender's retry is taken
 * as a first delivery.
 *
 * <p>Configure it in code with {@link #OssEventFilter(EventVerifier)}, or declare it in
 * {@code web.xml} with init-params named as in {@link io.github.osscallback.spi.EventSettings}
 * ({@code mnsRegions}, {@code eventBridgeRegions}, ...); an init-param that is no setting fails
 * {@link #init}.
 */
public class OssEventFilter implements Filter {

    private static final System.Logger LOG = System.getLogger(OssEventFilter.class.getName());

    private EventEndpoint endpoint;

    /** For {@code web.xml} and {@code @WebFilter}: configured from init-params in {@link #init}. */
    public OssEventFilter() {
    }

    /** A filter using the given verifier, which stays the caller's to close. */
    public OssEventFilter(EventVerifier verifier) {
        this(EventEndpoint.of("OssEventFilter", Objects.requireNonNull(verifier, "verifier"), LOG));
    }

    /** A filter around an endpoint made in code (to set {@link EventEndpoint#withBaseUrl}, say). */
    public OssEventFilter(EventEndpoint endpoint) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint").withContainerCheck(ContainerCheck.jettyHeaderCache());
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        String name = "OssEventFilter '" + config.getFilterName() + "'";
        List<String> params = Collections.list(config.getInitParameterNames());
        if (endpoint != null) {
            if (!params.isEmpty()) {
                throw new ServletException(name + " was given a verifier and init-params " + params
                        + ", which would not apply to it: configure the verifier in code, or declare the filter"
                        + " by class and configure it from init-params alone");
            }
            return;
        }
        try {
            endpoint = EventEndpoint.configured(name, "init-params", "", params, config::getInitParameter, LOG)
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
            throw new ServletException("OssEventFilter was not initialised");
        }
        HttpServletRequest request = (HttpServletRequest) req;
        HttpServletResponse response = (HttpServletResponse) res;
        EventDelivery delivery;
        try {
            delivery = endpoint.verify(new Incoming(request));
        } catch (CallbackRejectedException e) {
            request.setAttribute(EventEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
            reply(response, EventEndpoint.replyTo(e));
            return;
        }
        HttpServletRequest downstream = new DeliveryRequest(request, delivery.body());
        downstream.setAttribute(OssEvents.ATTRIBUTE, delivery);
        try {
            chain.doFilter(downstream, response);
        } catch (IOException | ServletException | RuntimeException | Error e) {
            endpoint.finished(delivery, 500);
            throw e;
        }
        if (downstream.isAsyncStarted()) {
            downstream.getAsyncContext().addListener(new Finished(delivery, response));
        } else {
            endpoint.finished(delivery, response.getStatus());
        }
    }

    /** Closes the verifier this filter built from init-params; one passed in is left open. */
    @Override
    public void destroy() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    /** Writes a reply the filter makes itself, with an exact Content-Length. */
    static void reply(HttpServletResponse response, EventEndpoint.Reply reply) throws IOException {
        response.setStatus(reply.status());
        reply.headers().forEach(response::setHeader);
        if (reply.contentType() != null) {
            response.setContentType(reply.contentType());
        }
        response.setContentLength(reply.contentLength());
        response.getOutputStream().write(reply.body());
        response.flushBuffer();
    }

    /** An asynchronous handling's end, told to the endpoint. */
    private final class Finished implements AsyncListener {
        private final EventDelivery delivery;
        private final HttpServletResponse response;

        Finished(EventDelivery delivery, HttpServletResponse response) {
            this.delivery = delivery;
            this.response = response;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            endpoint.finished(delivery, response.getStatus());
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            endpoint.finished(delivery, 503);
        }

        @Override
        public void onError(AsyncEvent event) {
            endpoint.finished(delivery, 500);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }

    /** The request handed downstream: the body the filter consumed, served again from memory. */
    private static final class DeliveryRequest extends HttpServletRequestWrapper {
        private final byte[] body;

        DeliveryRequest(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            return new VerifiedRequest.BodyStream(new ByteArrayInputStream(body));
        }

        /** UTF-8, as MNS and EventBridge send and the verifier read the body. */
        @Override
        public BufferedReader getReader() {
            return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), StandardCharsets.UTF_8));
        }

        @Override
        public String getCharacterEncoding() {
            return StandardCharsets.UTF_8.name();
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }

    /** A servlet request as the endpoint sees it: the callback filter's reading, every header, and the URL. */
    static final class Incoming extends OssCallbackFilter.Incoming implements EventEndpoint.Incoming {

        Incoming(HttpServletRequest request) {
            super(request);
        }

        @Override
        public Iterable<String> headerNames() {
            Enumeration<String> names = request.getHeaderNames();
            return names == null ? List.of() : Collections.list(names);
        }

        /** The scheme and the Host header as sent: EventBridge signs the URL it was configured with. */
        @Override
        public String url() {
            String host = request.getHeader("Host");
            if (host == null) {
                return null;
            }
            String query = request.getQueryString();
            return request.getScheme() + "://" + host + request.getRequestURI() + (query == null ? "" : "?" + query);
        }
    }
}
