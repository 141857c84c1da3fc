package io.github.osscallback.quarkus.app;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.quarkus.OssCallbackVerified;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every view of a callback's parameters Quarkus REST offers a resource, beside the verifier's own
 * reading, for the differential decoding corpus: each must give the verifier's reading or nothing.
 */
@Path("/views")
@OssCallbackVerified
public class ViewsResource {

    private static Map<String, Object> verified(ContainerRequestContext request, UriInfo uri, Object view) {
        OssCallback callback = (OssCallback) request.getProperty(OssCallback.class.getName());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fields", callback.fields());
        out.put("query", callback.queryParameters());
        out.put("queryView", uri.getQueryParameters());
        out.put("view", view);
        return out;
    }

    @POST
    @Path("params")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public CallbackReply params(@Context ContainerRequestContext request, @Context UriInfo uri,
                                @FormParam("object") List<String> object, @FormParam("bucket") String bucket,
                                @FormParam("x:role") String role, @FormParam("obj ect") String spaced,
                                @FormParam("objec") String objec, @FormParam("size") String size) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("object", object == null || object.isEmpty() ? null : object);
        view.put("bucket", bucket);
        view.put("x:role", role);
        view.put("obj ect", spaced);
        view.put("objec", objec);
        view.put("size", size);
        return CallbackReply.json(verified(request, uri, view));
    }

    @POST
    @Path("map")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public CallbackReply map(@Context ContainerRequestContext request, @Context UriInfo uri,
                             MultivaluedMap<String, String> map) {
        return CallbackReply.json(verified(request, uri, map));
    }

    @POST
    @Path("raw")
    public CallbackReply raw(@Context ContainerRequestContext request, @Context UriInfo uri, byte[] body) {
        return CallbackReply.json(verified(request, uri, Arrays.toString(body)));
    }
}
