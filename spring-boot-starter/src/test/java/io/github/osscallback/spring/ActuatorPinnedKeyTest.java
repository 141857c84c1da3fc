package io.github.osscallback.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackVerifier;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** With only the shipped OSS key and no fetching, the health is UP and shows just that. */
@SpringBootTest(classes = CallbackTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"oss.callback.remote-key-fetching=false",
                "management.endpoints.web.exposure.include=health",
                "management.endpoint.health.show-details=always"})
class ActuatorPinnedKeyTest {

    @LocalServerPort
    int port;

    @Test
    void healthIsUpWithThePinnedKeyOnly() throws Exception {
        String login = Base64.getEncoder().encodeToString("operator:operator-password".getBytes(StandardCharsets.UTF_8));
        JsonNode health;
        try (Http http = new Http(port)) {
            Http.Response response = http.send("GET", "/actuator/health", Map.of("Authorization", "Basic " + login), new byte[0]);
            assertEquals(200, response.status(), response.text());
            health = new ObjectMapper().readTree(response.body()).path("components").path("ossCallback");
        }
        assertEquals("UP", health.path("status").asText(), health.toString());
        JsonNode details = health.path("details");
        assertTrue(details.path("pinnedKeyUrls").toString().contains(CallbackVerifier.OSS_KEY_URL), details.toString());
        assertFalse(details.path("remoteFetching").asBoolean(true), details.toString());
        assertEquals(0, details.path("fetchedKeys").size(), details.toString());
        assertTrue(details.path("lastFailure").isMissingNode(), details.toString());
    }
}
