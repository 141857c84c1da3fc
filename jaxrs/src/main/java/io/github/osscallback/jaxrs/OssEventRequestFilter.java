package io.github.osscallback.jaxrs;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.spi.EventEndpoint;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * Verifies deliveries to {@link OssEventVerified} methods (blocking: JAX-RS filters are
 * synchronous), restores the verified payload as the entity stream and stores the
 * {@link EventDelivery} as a request property. A refusal, and a redelivery (200 {@code DUPLICATE}),
 * abort the request with {@link EventEndpoint#replyTo}: the method never runs. As a response
 * filter it tells the endpoint how the method's handling ended (its answer, or the answer an
 * exception mapper made of what it threw, including a Jakarta REST 3.1 runtime's default mapper),
 * so a failure releases the message id for the sender's retry. {@link JerseyEvents} covers, on
 * Jersey, the failures no response filter sees.
 */
@OssEventVerified
final class OssEventRequestFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private final EventEndpoint endpoint;

    OssEventRequestFilter(EventEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void filter(ContainerRequestContext context) {
        try {
            EventDelivery delivery = endpoint.verify(new Incoming(context, RawTarget.of(context)));
            context.setEntityStream(new ByteArrayInputStream(delivery.body()));
            context.setProperty(OssEvents.PROPERTY, delivery);
        } catch (CallbackRejectedException e) {
            context.setProperty(EventEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
            context.abortWith(response(EventEndpoint.replyTo(e)));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        finish(endpoint, request.getProperty(OssEvents.PROPERTY), response.getStatus(), request::removeProperty);
    }

    /**
     * Tells the endpoint of a failed handling (a status other than 2xx), once: the delivery leaves
     * the request then, so neither a second run of the response filters (Jersey maps an exception
     * thrown while writing a 2xx answer and filters again) nor Jersey's request events release it
     * twice. A 2xx answer leaves it there, as writing it may still fail.
     */
    static void finish(EventEndpoint endpoint, Object delivery, int status, Consumer<String> remove) {
        if (delivery instanceof EventDelivery && (status < 200 || status > 299)) {
            remove.accept(OssEvents.PROPERTY);
            endpoint.finished((EventDelivery) delivery, status);
        }
    }

    /** The refusal's reply; a byte[] entity goes out with its exact Content-Length. */
    static Response response(EventEndpoint.Reply reply) {
        Response.ResponseBuilder response = Response.status(reply.status()).type(reply.contentType())
                .entity(reply.body()).header("Content-Length", reply.contentLength());
        reply.headers().forEach(response::header);
        return response.build();
    }

    /** A JAX-RS request as the event verifier sees it: the callback filter's reading, every header, and the URL. */
    private static final class Incoming extends OssCallbackRequestFilter.Incoming implements EventEndpoint.Incoming {

        Incoming(ContainerRequestContext context, RawTarget target) {
            super(context, target);
        }

        @Override
        public Iterable<String> headerNames() {
            return new ArrayList<>(context.getHeaders().keySet());
        }

        /** The scheme and the Host header as sent, then the raw target: EventBridge signs the URL it was given. */
        @Override
        public String url() {
            String host = context.getHeaderString("Host");
            URI uri = context.getUriInfo().getRequestUri();
            if (host == null || uri.getScheme() == null) {
                return null;
            }
            return uri.getScheme() + "://" + host + target.path + (target.query == null ? "" : "?" + target.query);
        }
    }
}
