package io.github.osscallback.quarkus.runtime;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * For the benchmarks only (in this package for {@link OssCallbackFilter#PROPERTY}, which is not
 * API). Under {@code /buffered/}: reads the body whole and replays it, on a worker thread as
 * {@link OssCallbackFilter} reads it, and nothing else. Under {@code /framed/}: the same, then
 * marks the request as verified without verifying, so that {@link CallbackReplyInterceptor} and
 * {@link OssCallbackFilter#reply} hold, check and frame the reply exactly as for a verified
 * callback. Against each other, what the reply framing costs apart.
 */
public final class BufferingFilters {

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION - 100)
    public Uni<Response> buffer(ContainerRequestContext context, HttpServerRequest request) {
        String path = request.path();
        boolean framed = path.startsWith("/framed/");
        if (!framed && !path.startsWith("/buffered/")) {
            return Uni.createFrom().nullItem();
        }
        if (io.vertx.core.Context.isOnEventLoopThread()) {
            return Uni.createFrom().item(() -> bufferNow(context, framed))
                    .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        }
        return Uni.createFrom().item(bufferNow(context, framed));
    }

    private static Response bufferNow(ContainerRequestContext context, boolean framed) {
        try {
            byte[] body = context.getEntityStream().readAllBytes();
            context.setEntityStream(new ByteArrayInputStream(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (framed) {
            // Any value: the reply's framing only asks whether the request was verified.
            context.setProperty(OssCallbackFilter.PROPERTY, Boolean.TRUE);
        }
        return null;
    }
}
