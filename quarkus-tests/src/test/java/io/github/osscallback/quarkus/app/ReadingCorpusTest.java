package io.github.osscallback.quarkus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.ReadingCase;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The differential decoding corpus against every parameter view Quarkus REST offers a verified
 * resource ({@link ViewsResource}): {@code @FormParam} and a {@code MultivaluedMap} entity give
 * the verifier's fields or nothing, a {@code byte[]} entity gives the signed bytes, and
 * {@code UriInfo}'s query parameters are the verifier's query reading.
 */
@QuarkusTest
@WithTestResource(KeyHost.class)
class ReadingCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URL root;

    private JsonNode post(Callbacks callbacks, String view, ReadingCase c, List<String> failures) throws Exception {
        String path = "/views/" + view;
        String target = path + (c.query() == null ? "" : "?" + c.query());
        RawHttp.Response response = RawHttp.post(callbacks.port, target,
                callbacks.signer.headers(callbacks.keyUrl, path, c.query(), Callbacks.FORM, c.body()), c.body());
        if (c.refusedBeforeAnyView(response.status(), response.body())) {
            return null; // Vert.x or Quarkus REST refused the target itself; nothing reached a view
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
        if (response.body().contains(ReadingCase.PLANTED)) {
            failures.add(c + " " + view + ": a view shows the planted value: " + response.body());
        }
        JsonNode out = JSON.readTree(response.body());
        if (out.get("fields").isEmpty() == c.readable()) {
            failures.add(c + " " + view + ": the verifier read " + out.get("fields") + ", the corpus says readable=" + c.readable());
        }
        Map<String, List<String>> query = JSON.convertValue(out.get("query"), new TypeReference<>() { });
        Map<String, List<String>> queryView = JSON.convertValue(out.get("queryView"), new TypeReference<>() { });
        if (!query.equals(queryView)) {
            failures.add(c + " " + view + ": UriInfo's query parameters " + queryView + ", the verifier read " + query);
        }
        return out;
    }

    @Test
    void everyParameterViewGivesTheVerifiersReadingOrNothing() throws Exception {
        Callbacks callbacks = Callbacks.ofRunningApplication(root.getPort());
        List<String> failures = new ArrayList<>();
        for (ReadingCase c : ReadingCase.corpus()) {
            JsonNode params = post(callbacks, "params", c, failures);
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
            JsonNode map = post(callbacks, "map", c, failures);
            if (map != null) {
                Map<String, List<String>> expected = new LinkedHashMap<>();
                fields(map).forEach((name, value) -> expected.put(name, List.of(value)));
                Map<String, List<String>> actual = JSON.convertValue(map.get("view"), new TypeReference<>() { });
                if (!expected.equals(actual)) {
                    failures.add(c + " MultivaluedMap entity: " + actual + ", the verifier read " + expected);
                }
            }
            JsonNode raw = post(callbacks, "raw", c, failures);
            if (raw != null && !raw.get("view").asText().equals(Arrays.toString(c.body()))) {
                failures.add(c + " byte[] entity is not the signed body");
            }
        }
        assertEquals(List.of(), failures);
    }

    private static Map<String, String> fields(JsonNode out) {
        return JSON.convertValue(out.get("fields"), new TypeReference<Map<String, String>>() { });
    }
}
