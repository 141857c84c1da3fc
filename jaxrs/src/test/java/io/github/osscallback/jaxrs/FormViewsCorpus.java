package io.github.osscallback.jaxrs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The differential corpus against every form view a JAX-RS runtime offers a resource:
 * {@code @FormParam}, {@code Form} and {@code MultivaluedMap} entities give the verifier's fields
 * or nothing, and a {@code String} entity gives the signed bytes. One server per runtime.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FormViewsCorpus {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FORM = MediaType.APPLICATION_FORM_URLENCODED;
    private static final String PREFIX = "/app/api/views";

    @Path("views")
    public static class ViewsResource {

        private static Map<String, Object> verified(HttpServletRequest request, Object view) {
            OssCallback callback = (OssCallback) request.getAttribute(OssCallback.class.getName());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("fields", callback.fields());
            out.put("view", view);
            return out;
        }

        @POST
        @Path("params")
        @OssCallbackVerified
        @Consumes(FORM)
        public CallbackReply params(@Context HttpServletRequest request, @FormParam("object") List<String> object,
                                    @FormParam("bucket") String bucket, @FormParam("x:role") String role,
                                    @FormParam("obj ect") String spaced, @FormParam("objec") String objec,
                                    @FormParam("size") String size) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("object", object == null || object.isEmpty() ? null : object);
            view.put("bucket", bucket);
            view.put("x:role", role);
            view.put("obj ect", spaced);
            view.put("objec", objec);
            view.put("size", size);
            return CallbackReply.json(verified(request, view));
        }

        @POST
        @Path("form")
        @OssCallbackVerified
        @Consumes(FORM)
        public CallbackReply form(@Context HttpServletRequest request, Form form) {
            return CallbackReply.json(verified(request, form.asMap()));
        }

        @POST
        @Path("map")
        @OssCallbackVerified
        @Consumes(FORM)
        public CallbackReply map(@Context HttpServletRequest request, MultivaluedMap<String, String> map) {
            return CallbackReply.json(verified(request, map));
        }

        @POST
        @Path("raw")
        @OssCallbackVerified
        public CallbackReply raw(@Context HttpServletRequest request, byte[] body) {
            return CallbackReply.json(verified(request, Arrays.toString(body)));
        }
    }

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private LoopbackKeyServer keyServer;
    private String keyUrl;
    private int port;

    abstract String runtime();

    /** Starts the runtime serving {@link ViewsResource} with the feature, under {@value #PREFIX}; returns its port. */
    abstract int start(CallbackVerifier verifier) throws Exception;

    abstract void stop() throws Exception;

    @BeforeAll
    void startAll() throws Exception {
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", signer.publicKeyPem());
        keyUrl = keyServer.url("/oss/key.pem");
        port = start(CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build());
    }

    @AfterAll
    void stopAll() throws Exception {
        stop();
        keyServer.close();
    }

    private JsonNode post(String view, ReadingCase c, List<String> failures) throws Exception {
        String path = PREFIX + "/" + view;
        String target = path + (c.query() == null ? "" : "?" + c.query());
        RawHttp.Response response = RawHttp.post(port, target, signer.headers(keyUrl, path, c.query(), FORM, c.body()),
                c.body());
        if (c.refusedBeforeAnyView(response.status(), response.body())) {
            return null; // the container or runtime refused the target itself; nothing reached a view
        }
        if (c.refusal() != null) {
            if (response.status() != 400 || !response.body().contains("\"" + c.refusal() + "\"")) {
                failures.add(c + " " + view + ": expected " + c.refusal() + ", got " + response.status() + " " + response.body());
            }
            return null;
        }
        if (response.status() != 200) {
            failures.add(c + " " + view + ": expected 200, got " + response.status() + " " + response.body());
            return null;
        }
        JsonNode out = JSON.readTree(response.body());
        if (out.get("fields").isEmpty() == c.readable()) {
            failures.add(c + " " + view + ": the verifier read " + out.get("fields") + ", the corpus says readable="
                    + c.readable());
        }
        return out;
    }

    @Test
    void everyFormViewGivesTheVerifiersReadingOrNothing() throws Exception {
        List<String> failures = new ArrayList<>();
        for (ReadingCase c : ReadingCase.corpus()) {
            JsonNode params = post("params", c, failures);
            if (params != null) {
                Map<String, String> fields = fields(params);
                for (String name : ReadingCase.PROBES) {
                    JsonNode seen = params.get("view").get(name);
                    Object expected = name.equals("object") && fields.get(name) != null ? List.of(fields.get(name))
                            : fields.get(name);
                    Object actual = seen == null || seen.isNull() ? null
                            : seen.isArray() ? JSON.convertValue(seen, List.class) : seen.asText();
                    if (!Objects.equals(expected, actual)) {
                        failures.add(c + " @FormParam(\"" + name + "\"): " + actual + ", the verifier read " + expected);
                    }
                }
            }
            for (String view : List.of("form", "map")) {
                JsonNode out = post(view, c, failures);
                if (out != null) {
                    Map<String, List<String>> expected = new LinkedHashMap<>();
                    fields(out).forEach((name, value) -> expected.put(name, List.of(value)));
                    Map<String, List<String>> actual = JSON.convertValue(out.get("view"),
                            new TypeReference<Map<String, List<String>>>() { });
                    if (!expected.equals(actual)) {
                        failures.add(c + " " + view + " entity: " + actual + ", the verifier read " + expected);
                    }
                }
            }
            JsonNode raw = post("raw", c, failures);
            if (raw != null && !raw.get("view").asText().equals(Arrays.toString(c.body()))) {
                failures.add(c + " byte[] entity is not the signed body");
            }
        }
        assertEquals(List.of(), failures, runtime());
    }

    private static Map<String, String> fields(JsonNode out) {
        return JSON.convertValue(out.get("fields"), new TypeReference<Map<String, String>>() { });
    }
}
