package io.github.osscallback.quarkus.jaxrsalone;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.jaxrs.OssCallbackVerified;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.Map;

/** A callback resource written as the JAX-RS quickstart shows, in a Quarkus REST application. */
@Path("/oss/callback")
public class UploadCallbacks {

    @POST
    @Path("upload")
    @OssCallbackVerified
    public CallbackReply uploaded(OssCallback callback) {
        return CallbackReply.json(Map.of("stored", callback.object().orElse("")));
    }
}
