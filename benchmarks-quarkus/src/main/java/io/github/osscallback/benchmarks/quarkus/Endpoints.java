package io.github.osscallback.benchmarks.quarkus;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.quarkus.OssCallbackVerified;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.Map;

/**
 * The application endpoint of {@code CpuServer}, once per variant: reads the body and answers
 * with JSON, as a callback handler does. Only {@code /filter/} is verified; {@code /framed/} and
 * {@code /buffered/} get their body through {@code io.github.osscallback.quarkus.runtime.BufferingFilters}.
 */
@Path("/")
public class Endpoints {

    @POST
    @Path("filter/cb")
    @OssCallbackVerified
    public CallbackReply filter(byte[] body) {
        return reply(body);
    }

    @POST
    @Path("framed/cb")
    public CallbackReply framed(byte[] body) {
        return reply(body);
    }

    @POST
    @Path("buffered/cb")
    public CallbackReply buffered(byte[] body) {
        return reply(body);
    }

    @POST
    @Path("plain/cb")
    public CallbackReply plain(byte[] body) {
        return reply(body);
    }

    private static CallbackReply reply(byte[] body) {
        return CallbackReply.json(Map.of("Status", "OK", "bytes", body.length));
    }
}
