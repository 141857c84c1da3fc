package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.BodyType;
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
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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
    private final Map<Method, Boolean> readsForm = new ConcurrentHashMap<>();

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
        boolean formViews = readsForm(resource.getResourceMethod());
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            // The body read and any key fetch block: never on the I/O thread.
            return Uni.createFrom().item(() -> verifyNow(context, request, formViews))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        return Uni.createFrom().item(verifyNow(context, request, formViews));
    }

    /**
     * Gives a {@link CallbackReply} entity (returned by a resource method, or a rejection's) its own
     * status, headers and Content-Type, whatever the method declared; {@link CallbackReplyWriter}
     * then writes its bytes. A reply to a verified callback without an entity (a {@code void}
     * method's 204) reaches no writer, so it is checked here: OSS refuses an empty reply.
     */
    @ServerResponseFilter
    public void reply(ContainerRequestContext request, ContainerResponseContext response) {
        if (!response.hasEntity() && request.getProperty(PROPERTY) != null) {
            setup.endpoint().checkReply(response.getMediaType() == null ? null : response.getMediaType().toString(),
                    new byte[0]);
        }
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
                || m.getDeclaringClass().isAnnotationPresent(OssCallbackVerified.class))) {
            return true;
        }
        // Not in the cache: a method inherited by several resource classes may be verified in one only.
        Class<?> resourceClass = resource.getResourceClass();
        if (resourceClass != null && resourceClass.isAnnotationPresent(OssCallbackVerified.class)) {
            return true;
        }
        // The decoded path routing matched, so no encoding of the target can slip past the patterns.
        return setup.coversPath("/" + context.getUriInfo().getPath(true).replaceFirst("^/+", ""));
    }

    /**
     * Whether the method reads the body as form parameters ({@code @FormParam}, {@code @RestForm}, a
     * {@code MultivaluedMap} or {@code Form} entity): Quarkus REST decodes those itself, by rules of
     * its own (a malformed escape is a 500, empty pairs are names), so such a method is given the
     * verifier's fields re-encoded, never the signed bytes to decode otherwise.
     */
    private boolean readsForm(Method method) {
        return method != null && readsForm.computeIfAbsent(method, m -> {
            for (Class<?> type : m.getParameterTypes()) {
                if (MultivaluedMap.class.isAssignableFrom(type) || Form.class.isAssignableFrom(type)) {
                    return true;
                }
            }
            for (Annotation[] annotations : m.getParameterAnnotations()) {
                for (Annotation annotation : annotations) {
                    String name = annotation.annotationType().getName();
                    if (name.equals("jakarta.ws.rs.FormParam") || name.equals("org.jboss.resteasy.reactive.RestForm")) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    /** The verified form's fields, percent-encoded again, in the verifier's order; nothing for another body. */
    private static byte[] reencoded(OssCallback callback) {
        if (callback.bodyType() != BodyType.FORM) {
            return new byte[0];
        }
        StringBuilder form = new StringBuilder();
        for (Map.Entry<String, String> field : callback.fields().entrySet()) {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8));
        }
        return form.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private Response verifyNow(ContainerRequestContext context, HttpServerRequest request, boolean formViews) {
        try {
            CallbackEndpoint.Verified verified = setup.endpoint().verify(new Incoming(context, request));
            context.setEntityStream(formViews ? new ByteArrayInputStream(reencoded(verified.callback()))
                    : verified.bodyStream());
            context.setProperty(PROPERTY, verified.callback());
            return null;
        } catch (CallbackRejectedException e) {
            context.setProperty(CallbackEndpoint.REJECTION_ATTRIBUTE, e.reason().code());
            return CallbackReplyWriter.response(e.toReply());
        }
    }

    /** A Vert.x request as the verifier sees it: the target as received, the body through Quarkus REST. */
    static final class Incoming implements CallbackEndpoint.Incoming {
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
        private static String originForm(String received) {
            // Netty reads the request line byte by byte as ISO-8859-1; OSS signs raw UTF-8 as UTF-8.
            String uri = received.chars().anyMatch(c -> c > 0x7f)
                    ? new String(received.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8) : received;
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
