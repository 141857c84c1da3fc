package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.quarkus.OssEventVerified;
import io.github.osscallback.spi.EventEndpoint;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Verifies OSS event deliveries to {@link OssEventVerified} resource methods and to
 * {@code oss.callback.events.paths} before the method runs, off the I/O thread, and leaves the
 * delivery for the method's {@link EventDelivery} parameter and its body as the entity. A refusal
 * is answered with its reply and the method never runs; so is a redelivery (200
 * {@code DUPLICATE}). When the method's answer is not 2xx (or it threw), the message id is
 * released so the sender's retry is taken as a first delivery. Public for the code Quarkus
 * generates around it; not API.
 */
public final class OssEventFilter {

    /** The request property holding the verified delivery. */
    static final String PROPERTY = EventDelivery.class.getName();

    private final EventSetup setup;
    private final Map<Method, Boolean> annotated = new ConcurrentHashMap<>();

    @Inject
    public OssEventFilter(EventSetup setup) {
        this.setup = setup;
    }

    // Before authentication filters, as callbacks: a forged delivery must not cost a credential check.
    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    public Uni<Response> verify(ContainerRequestContext context, HttpServerRequest request, ResourceInfo resource) {
        if (setup.endpoint() == null || !covered(resource, context)) {
            return Uni.createFrom().nullItem();
        }
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            // The body read and any certificate fetch block: never on the I/O thread.
            return Uni.createFrom().item(() -> verifyNow(context, request))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        return Uni.createFrom().item(verifyNow(context, request));
    }

    /** Tells the endpoint how the method's handling ended, without blocking on the duplicate store. */
    @ServerResponseFilter
    public Uni<Void> finished(ContainerRequestContext request, ContainerResponseContext response) {
        Object delivery = request.getProperty(PROPERTY);
        if (delivery == null || setup.endpoint() == null) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(
                setup.endpoint().finishedAsync((EventDelivery) delivery, response.getStatus()));
    }

    private boolean covered(ResourceInfo resource, ContainerRequestContext context) {
        Method method = resource.getResourceMethod();
        if (method != null && annotated.computeIfAbsent(method, m -> m.isAnnotationPresent(OssEventVerified.class)
                || m.getDeclaringClass().isAnnotationPresent(OssEventVerified.class))) {
            return true;
        }
        Class<?> resourceClass = resource.getResourceClass();
        if (resourceClass != null && resourceClass.isAnnotationPresent(OssEventVerified.class)) {
            return true;
        }
        return setup.coversPath("/" + context.getUriInfo().getPath(true).replaceFirst("^/+", ""));
    }

    private Response verifyNow(ContainerRequestContext context, HttpServerRequest request) {
        try {
            EventDelivery delivery = setup.endpoint().verify(new Incoming(context, request));
            context.setEntityStream(new ByteArrayInputStream(delivery.body()));
            context.setProperty(PROPERTY, delivery);
            return null;
        } catch (CallbackRejectedException e) {
            context.setProperty(EventEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
            EventEndpoint.Reply reply = EventEndpoint.replyTo(e);
            // A byte[] entity goes out in one write with its exact Content-Length.
            Response.ResponseBuilder response = Response.status(reply.status()).type(reply.contentType())
                    .entity(reply.body());
            reply.headers().forEach(response::header);
            return response.build();
        }
    }

    /** A Vert.x request as the event verifier sees it: the callback filter's view, with every header and the URL. */
    private static final class Incoming implements EventEndpoint.Incoming {
        private final OssCallbackFilter.Incoming target;
        private final HttpServerRequest request;

        Incoming(ContainerRequestContext context, HttpServerRequest request) {
            this.target = new OssCallbackFilter.Incoming(context, request);
            this.request = request;
        }

        @Override
        public Iterable<String> headerNames() {
            return request.headers().names();
        }

        @Override
        public String url() {
            String host = request.getHeader("Host");
            if (host == null) {
                return null;
            }
            String query = rawQuery();
            return request.scheme() + "://" + host + rawPath() + (query == null ? "" : "?" + query);
        }

        @Override
        public String method() {
            return target.method();
        }

        @Override
        public String rawPath() {
            return target.rawPath();
        }

        @Override
        public String rawQuery() {
            return target.rawQuery();
        }

        @Override
        public List<String> headers(String name) {
            return target.headers(name);
        }

        @Override
        public InputStream body() {
            return target.body();
        }

        @Override
        public long declaredLength() {
            return target.declaredLength();
        }

        @Override
        public String remoteAddress() {
            return target.remoteAddress();
        }
    }
}
