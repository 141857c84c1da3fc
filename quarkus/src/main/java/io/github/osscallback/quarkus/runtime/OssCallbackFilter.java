package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.quarkus.OssCallbackBody;
import io.github.osscallback.quarkus.OssCallbackVerified;
import io.github.osscallback.spi.CallbackEndpoint;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Verifies requests to {@link OssCallbackVerified} resource methods and to {@code oss.callback.paths}
 * before the method runs, and leaves the verified callback for the method's parameters. The path
 * and query verified are the request target exactly as Vert.x received it, never a re-encoded URI;
 * the body is read, within the verifier's limit, on a worker thread, never on the I/O thread. A
 * rejection answers with its JSON reply and the method is never called. Public for the code Quarkus
 * generates around it; not API.
 */
public final class OssCallbackFilter {

    /** The request property holding the verified callback. */
    static final String PROPERTY = OssCallback.class.getName();

    private final CallbackSetup setup;
    private final Map<Method, Boolean> annotated = new ConcurrentHashMap<>();

    @Inject
    public OssCallbackFilter(CallbackSetup setup) {
        this.setup = setup;
    }

    // Before authentication filters: an unverified callback must not cost a credential check.
    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    public Uni<Response> verify(ContainerRequestContext context, HttpServerRequest request, ResourceInfo resource) {
        if (!verified(resource, context)) {
            return Uni.createFrom().nullItem();
        }
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            // The body read and any key fetch block: never on the I/O thread.
            return Uni.createFrom().item(() -> verifyNow(context, request))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        return Uni.createFrom().item(verifyNow(context, request));
    }

    /**
     * Gives a {@link CallbackReply} entity (returned by a resource method, or a rejection's) its own
     * status, headers and Content-Type, whatever the method declared; {@link CallbackReplyWriter}
     * then writes its bytes.
     */
    @ServerResponseFilter
    public void reply(ContainerResponseContext response) {
        if (response.getEntity() instanceof CallbackReply) {
            CallbackReply reply = (CallbackReply) response.getEntity();
            response.setStatus(reply.status());
            reply.headers().forEach(response.getHeaders()::putSingle);
            response.getHeaders().putSingle("Content-Type", reply.contentType());
        }
    }

    private boolean verified(ResourceInfo resource, ContainerRequestContext context) {
        Method method = resource.getResourceMethod();
        if (method != null && annotated.computeIfAbsent(method, m -> m.isAnnotationPresent(OssCallbackVerified.class)
                || m.getDeclaringClass().isAnnotationPresent(OssCallbackVerified.class)
                || resource.getResourceClass() != null
                        && resource.getResourceClass().isAnnotationPresent(OssCallbackVerified.class))) {
            return true;
        }
        // The decoded path routing matched, so no encoding of the target can slip past the patterns.
        return setup.coversPath("/" + context.getUriInfo().getPath(true).replaceFirst("^/+", ""));
    }

    private Response verifyNow(ContainerRequestContext context, HttpServerRequest request) {
        try {
            CallbackEndpoint.Verified verified = setup.endpoint().verify(new Incoming(context, request));
            context.setEntityStream(verified.bodyStream());
            context.setProperty(PROPERTY, verified.callback());
            return null;
        } catch (CallbackRejectedException e) {
            context.setProperty(CallbackEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
            return CallbackReplyWriter.response(e.toReply());
        }
    }

    /** A Vert.x request as the verifier sees it: the target as received, the body through Quarkus REST. */
    private static final class Incoming implements CallbackEndpoint.Incoming {
        private final ContainerRequestContext context;
        private final HttpServerRequest request;

        Incoming(ContainerRequestContext context, HttpServerRequest request) {
            this.context = context;
            this.request = request;
        }

        @Override
        public String method() {
            return request.method().name();
        }

        @Override
        public String rawPath() {
            String target = originForm(request.uri());
            int query = target.indexOf('?');
            return query < 0 ? target : target.substring(0, query);
        }

        @Override
        public String rawQuery() {
            String target = originForm(request.uri());
            int query = target.indexOf('?');
            return query < 0 ? null : target.substring(query + 1);
        }

        /**
         * The request target as received, an absolute-form target ({@code http://host/p?q}) without its
         * scheme and authority: OSS signs the path and query exactly as sent (docs/protocol.md).
         */
        private static String originForm(String uri) {
            if (uri.startsWith("/")) {
                return uri;
            }
            int scheme = uri.indexOf("://");
            if (scheme < 0) {
                return uri;
            }
            int path = uri.indexOf('/', scheme + 3);
            int query = uri.indexOf('?', scheme + 3);
            int start = path < 0 ? query : query < 0 ? path : Math.min(path, query);
            return start < 0 ? "" : uri.substring(start);
        }

        @Override
        public List<String> headers(String name) {
            return request.headers().getAll(name);
        }

        @Override
        public InputStream body() {
            return context.getEntityStream();
        }

        @Override
        public long declaredLength() {
            String length = request.getHeader("Content-Length");
            try {
                return length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        @Override
        public String remoteAddress() {
            SocketAddress remote = request.remoteAddress();
            return remote == null ? null : remote.hostAddress();
        }
    }
}
