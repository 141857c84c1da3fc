package io.github.osscallback.quarkus.app;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.quarkus.OssCallbackVerified;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import jakarta.ws.rs.container.ContainerRequestContext;

/**
 * The raw request-target matrix's endpoint (any path below {@code /cb}), and the mark that a case
 * got past Vert.x into Quarkus REST.
 */
@Path("/cb")
public class MatrixResource {

    /** Case ids whose request reached Quarkus REST. */
    public static final Set<String> REACHED = ConcurrentHashMap.newKeySet();
    public static final String CASE_HEADER = "x-matrix-case";

    @POST
    @Path("{rest: [\\s\\S]*}")
    @OssCallbackVerified
    public CallbackReply callback() {
        return CallbackReply.json(Map.of("verified", true));
    }

    @ServerRequestFilter(preMatching = true)
    public void reached(ContainerRequestContext context) {
        String id = context.getHeaderString(CASE_HEADER);
        if (id != null) {
            REACHED.add(id);
        }
    }
}
