package io.github.osscallback.quarkus.app;

import io.github.osscallback.EventDelivery;
import io.github.osscallback.OssEvent;
import io.github.osscallback.quarkus.OssEventVerified;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * OSS event deliveries: annotated methods taking the verified {@link EventDelivery}, one that
 * fails the first time it sees a message, and a method under {@code oss.callback.events.paths}.
 * Each counts the messages it handled, which the tests read back.
 */
@Path("/oss/events")
public class EventResource {

    private static final Map<String, AtomicInteger> HANDLED = new ConcurrentHashMap<>();

    private static int handled(String id) {
        return HANDLED.computeIfAbsent(id, x -> new AtomicInteger()).incrementAndGet();
    }

    @POST
    @Path("push")
    @OssEventVerified
    public Map<String, Object> push(EventDelivery delivery, String body) {
        String id = delivery.messageId().orElse("");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("service", delivery.service().name());
        out.put("id", id);
        out.put("times", handled(id));
        out.put("sameBody", body.equals(delivery.bodyAsString()));
        List<String> keys = new ArrayList<>();
        for (OssEvent event : delivery.ossEvents()) {
            keys.add(event.bucket().orElse("") + "/" + event.objectKey().orElse(""));
        }
        out.put("objects", keys);
        out.put("thread", Thread.currentThread().getName());
        return out;
    }

    /** Fails the first time it sees a message: the sender's retry must reach it as a first delivery. */
    @POST
    @Path("flaky")
    @OssEventVerified
    public Response flaky(EventDelivery delivery) {
        int times = handled("flaky:" + delivery.messageId().orElse(""));
        return times == 1 ? Response.status(503).entity("busy").build() : Response.ok("handled " + times).build();
    }

    /** Under oss.callback.events.paths, not annotated: verified by path. */
    @POST
    @Path("by-path/in")
    public String byPath(String body) {
        handled("by-path");
        return "got " + body.length();
    }

    @GET
    @Path("handled/{id}")
    public int handledCount(@PathParam("id") String id) {
        AtomicInteger count = HANDLED.get(id);
        return count == null ? 0 : count.get();
    }
}
