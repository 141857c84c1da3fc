package io.github.osscallback.quarkus.app;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.quarkus.OssCallbackVerified;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The hostile corpus's endpoint: every callback that reaches it is recorded; none should. */
@Path("/hostile/{case}")
@OssCallbackVerified
public class HostileResource {

    /** Callbacks that reached this user code. */
    public static final List<OssCallback> REACHED = new CopyOnWriteArrayList<>();

    @POST
    public CallbackReply post(OssCallback callback) {
        REACHED.add(callback);
        return CallbackReply.ok();
    }

    /** So a GET reaches the filter (and is refused there) rather than Quarkus REST's own 405. */
    @GET
    public CallbackReply get(OssCallback callback) {
        REACHED.add(callback);
        return CallbackReply.ok();
    }
}
