package io.github.osscallback.quarkus.app;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.quarkus.OssCallbackVerified;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.Map;

/** Endpoints outside {@code oss.callback.paths}: verified only where annotated. */
@Path("/api")
public class OpenResource {

    @POST
    @Path("open")
    public String open(String body) {
        return "open:" + body;
    }

    @POST
    @Path("annotated")
    @OssCallbackVerified
    public CallbackReply annotated(OssCallback callback) {
        return CallbackReply.json(Map.of("verified", true));
    }
}
