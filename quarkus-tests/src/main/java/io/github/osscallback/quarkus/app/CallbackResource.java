package io.github.osscallback.quarkus.app;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.quarkus.OssCallbackBody;
import io.github.osscallback.quarkus.OssCallbackVerified;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** The callback endpoints a Quarkus application writes, in each shape the extension supports. */
@Path("/oss/callback")
public class CallbackResource {

    /** An upload's fields as a record, bound from the verified body. */
    public record Upload(String bucket, String object, Long size) {
    }

    @POST
    @Path("upload")
    @OssCallbackVerified
    public CallbackReply upload(OssCallback callback) {
        return CallbackReply.json(Map.of("object", callback.fields().getOrDefault("object", ""), "thread",
                Thread.currentThread().getName()));
    }

    @POST
    @Path("map")
    @OssCallbackVerified
    public Map<String, Object> map(OssCallback callback) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bucket", callback.fields().get("bucket"));
        out.put("ok", true);
        return out;
    }

    @POST
    @Path("bound")
    @OssCallbackVerified
    public Map<String, Object> bound(@OssCallbackBody Upload upload) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bucket", upload.bucket());
        out.put("object", upload.object());
        out.put("size", upload.size());
        return out;
    }

    /** An upload's outcome as a record, written by quarkus-rest-jackson. */
    public record Stored(String object, boolean stored) {
    }

    @POST
    @Path("record")
    @OssCallbackVerified
    public Stored record(OssCallback callback) {
        return new Stored(callback.fields().get("object"), true);
    }

    /** A Map padded with {@code padding} characters or so: over Quarkus REST's 8 KiB output buffer, or over OSS's 1 MiB. */
    @POST
    @Path("large")
    @OssCallbackVerified
    public Map<String, Object> large(OssCallback callback, @QueryParam("padding") int padding) {
        return Map.of("padding", "x".repeat(padding));
    }

    /** Replies OSS refuses: text, and nothing at all. */
    @POST
    @Path("text")
    @OssCallbackVerified
    @Produces(MediaType.TEXT_PLAIN)
    public String text(OssCallback callback) {
        return "stored";
    }

    @POST
    @Path("nothing")
    @OssCallbackVerified
    public void nothing(OssCallback callback) {
    }

    /** A non-blocking method: the filter runs on the I/O thread and must move verification off it. */
    @POST
    @Path("reactive")
    @OssCallbackVerified
    public Uni<CallbackReply> reactive(OssCallback callback) {
        return Uni.createFrom().item(CallbackReply.json(Map.of("object", callback.fields().getOrDefault("object", ""))));
    }

    /** Not annotated: verified because {@code oss.callback.paths} covers it; takes the signed bytes. */
    @POST
    @Path("by-path")
    public CallbackReply byPath(String body) {
        return CallbackReply.json(Map.of("body", body));
    }
}
