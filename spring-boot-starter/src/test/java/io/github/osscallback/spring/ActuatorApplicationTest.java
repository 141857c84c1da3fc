package io.github.osscallback.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.micrometer.OssCallbackMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Actuator and Micrometer in a real application over real HTTP (Boot 4.0 or 3.5, Tomcat or Jetty,
 * by the module running these sources): {@code /actuator/health} shows the verifier's keys, and
 * the meters count genuine, forged and oversized callbacks and key fetches that work and fail.
 */
@SpringBootTest(classes = CallbackTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoints.web.exposure.include=health",
                "management.endpoint.health.show-details=always"})
class ActuatorApplicationTest {

    private static final AtomicInteger MISSING_KEYS = new AtomicInteger();

    @DynamicPropertySource
    static void keys(DynamicPropertyRegistry registry) {
        TestKeys.register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    MeterRegistry meters;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    Http.Response callback(Map<String, String> headers, byte[] body) throws Exception {
        return Http.post(port, "/oss/callback/reply", headers, body);
    }

    Http.Response genuine() throws Exception {
        byte[] body = bytes("bucket=photos&object=uploads%2Fa.jpg&size=10");
        return callback(TestKeys.signed("/oss/callback/reply", CallbackApplicationTest.FORM, body), body);
    }

    JsonNode health() throws Exception {
        String login = Base64.getEncoder().encodeToString(bytes("operator:operator-password"));
        try (Http http = new Http(port)) {
            Http.Response response = http.send("GET", "/actuator/health", Map.of("Authorization", "Basic " + login), new byte[0]);
            JsonNode health = new ObjectMapper().readTree(response.body());
            assertEquals(200, response.status(), response.text());
            return health.path("components").path("ossCallback");
        }
    }

    double requests(String outcome, String reason) {
        return meters.get(OssCallbackMetrics.REQUESTS).tags("outcome", outcome, "reason", reason).counter().count();
    }

    long fetches(String outcome) {
        return meters.get(OssCallbackMetrics.KEY_FETCH).tags("outcome", outcome).timer().count();
    }

    @Test
    void countsGenuineForgedAndOversizedCallbacksByOutcomeAndReason() throws Exception {
        double accepted = requests("accepted", "none");
        double forged = requests("rejected", "signature_mismatch");
        double oversized = requests("rejected", "body_too_large");
        double missing = requests("rejected", "missing_header");
        double wrongMethod = requests("rejected", "method_not_allowed");

        assertEquals(200, genuine().status());

        byte[] signedBody = bytes("bucket=photos&object=uploads%2Fb.jpg&size=10");
        Map<String, String> headers = TestKeys.signed("/oss/callback/reply", CallbackApplicationTest.FORM, signedBody);
        assertEquals(403, callback(headers, bytes("bucket=photos&object=uploads%2Fb.jpg&size=99999")).status());

        byte[] large = new byte[5000];
        Arrays.fill(large, (byte) 'a');
        assertEquals(413, callback(TestKeys.signed("/oss/callback/reply", CallbackApplicationTest.FORM, large), large).status());

        assertEquals(400, callback(Map.of("Content-Type", CallbackApplicationTest.FORM), signedBody).status());

        try (Http http = new Http(port)) {
            assertEquals(405, http.send("GET", "/oss/callback/reply", Map.of(), new byte[0]).status());
        }

        assertEquals(accepted + 1, requests("accepted", "none"));
        assertEquals(forged + 1, requests("rejected", "signature_mismatch"));
        assertEquals(oversized + 1, requests("rejected", "body_too_large"));
        assertEquals(missing + 1, requests("rejected", "missing_header"));
        assertEquals(wrongMethod + 1, requests("rejected", "method_not_allowed"));
    }

    /** Nothing an uploader or attacker sends becomes a tag: every series exists from the start, one per reason. */
    @Test
    void theSeriesAreFixedAndCarryNoKeyUrl() throws Exception {
        genuine();
        fetchFails();
        Set<String> requestSeries = new TreeSet<>();
        Set<String> fetchSeries = new TreeSet<>();
        for (Meter meter : meters.getMeters()) {
            String name = meter.getId().getName();
            Map<String, String> tags = new LinkedHashMap<>();
            for (Tag tag : meter.getId().getTags()) {
                tags.put(tag.getKey(), tag.getValue());
            }
            if (name.equals(OssCallbackMetrics.REQUESTS)) {
                assertEquals(Set.of("outcome", "reason"), tags.keySet(), tags.toString());
                requestSeries.add(tags.get("outcome") + "/" + tags.get("reason"));
            } else if (name.equals(OssCallbackMetrics.KEY_FETCH)) {
                assertEquals(Set.of("outcome"), tags.keySet(), tags.toString());
                fetchSeries.add(tags.get("outcome"));
            } else {
                assertFalse(name.startsWith("oss.callback"), name);
            }
        }
        Set<String> expected = new TreeSet<>(Set.of("accepted/none"));
        for (CallbackRejectedException.Reason reason : CallbackRejectedException.Reason.values()) {
            expected.add("rejected/" + reason.code());
        }
        assertEquals(expected, requestSeries);
        assertEquals(Set.of("success", "failure"), fetchSeries);
    }

    /** A key URL under the allowed prefix that the key host answers 404; each call a new one, so no back-off applies. */
    private String fetchFails() throws Exception {
        String keyUrl = TestKeys.KEYS.url("/oss/missing-" + MISSING_KEYS.incrementAndGet() + ".pem");
        byte[] body = bytes("bucket=photos&object=uploads%2Fc.jpg&size=10");
        Http.Response response = callback(
                TestKeys.OSS.headers(keyUrl, "/oss/callback/reply", null, CallbackApplicationTest.FORM, body), body);
        assertEquals(503, response.status(), response.text());
        return keyUrl;
    }

    @Test
    void keyFetchesAreTimedBySuccessAndFailure() throws Exception {
        long failures = fetches("failure");
        double unavailable = requests("rejected", "key_unavailable");
        fetchFails();
        assertEquals(failures + 1, fetches("failure"));
        assertEquals(unavailable + 1, requests("rejected", "key_unavailable"));

        // The genuine key: fetched once by this application's verifier, whichever test ran first.
        genuine();
        assertEquals(1, fetches("success"));
    }

    @Test
    void healthShowsThePinnedAndFetchedKeysAndTheLastFailure() throws Exception {
        genuine();
        String failed = fetchFails();

        JsonNode health = health();
        // The last fetch failed, but the genuine key is at hand: callbacks signed with it verify.
        assertEquals("UP", health.path("status").asText(), health.toString());
        JsonNode details = health.path("details");
        // Only the loopback key host is allowed here, so the shipped OSS key is not in use.
        assertTrue(details.path("pinnedKeyUrls").isArray(), details.toString());
        assertEquals(0, details.path("pinnedKeyUrls").size(), details.toString());
        assertTrue(details.path("remoteFetching").asBoolean(), details.toString());

        JsonNode fetched = details.path("fetchedKeys").path(TestKeys.KEYS.url("/oss/key.pem"));
        assertTrue(fetched.path("fetchedAt").isTextual(), details.toString());
        assertTrue(fetched.path("ageSeconds").asLong(-1) >= 0, details.toString());

        JsonNode failure = details.path("lastFailure");
        assertEquals(failed, failure.path("keyUrl").asText(), details.toString());
        assertTrue(failure.path("at").isTextual(), details.toString());
        assertTrue(failure.path("problem").asText().startsWith("key_unavailable"), details.toString());
    }
}
