package io.github.osscallback.gateway;

import static io.github.osscallback.gateway.Edge.DOWNSTREAM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.fixtures.HostileCorpus;
import io.github.osscallback.fixtures.HostileCorpus.Delivered;
import io.github.osscallback.fixtures.HostileCorpus.Rejected;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared hostile corpus (test-fixtures' HostileCorpus, which every adapter faces) against the
 * gateway over real HTTP: each hostile request gets its status and reason with an exact
 * Content-Length from the gateway itself and never reaches the downstream, no untrusted key host is
 * asked; each signed body that does not parse goes downstream byte for byte, marked as a body problem.
 */
class HostileCorpusTest extends GatewayTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HostileCorpus corpus() {
        return new HostileCorpus("http://127.0.0.1:" + port, Edge.OSS::sign, Edge.ATTACKER::sign,
                Edge.TRUSTED.baseUrl(), Edge.UNTRUSTED.baseUrl());
    }

    @TestFactory
    Stream<DynamicTest> eachHostileRequestIsAnsweredByTheGatewayAndNeverRouted() {
        List<Rejected> cases = corpus().rejected();
        return IntStream.range(0, cases.size()).mapToObj(i -> {
            Rejected c = cases.get(i);
            String path = "/edge/hostile/case" + i;
            return DynamicTest.dynamicTest(c.name(), () -> {
                DOWNSTREAM.received.clear();
                HttpResponse<String> response;
                try {
                    // A client of its own for 413s: the refused connection is closed with its body unread.
                    HttpClient client = c.status() == 413
                            ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() : HTTP;
                    response = client.send(c.request().build(path), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    // Closing with the body unread can reset the connection before the client reads
                    // the 413: a transport race, not a verdict. What reached the downstream still counts.
                    assertEquals(413, c.status(), c.name() + ": " + e);
                    assertNothingRoutedAndNoUntrustedKeyHostAsked();
                    return;
                }
                String context = c.name() + ": " + response.body();
                assertEquals(c.status(), response.statusCode(), context);
                JsonNode json = JSON.readTree(response.body());
                assertEquals("REJECTED", json.path("status").asText(), context);
                assertEquals(c.reason(), json.path("reason").asText(), context);
                assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length),
                        response.headers().firstValue("content-length").orElse(""), context);
                assertNothingRoutedAndNoUntrustedKeyHostAsked();
            });
        });
    }

    @TestFactory
    Stream<DynamicTest> signedBodiesThatDoNotParseGoDownstreamExactlyAndMarkedAsSuch() {
        List<Delivered> cases = corpus().delivered();
        return IntStream.range(0, cases.size()).mapToObj(i -> {
            Delivered c = cases.get(i);
            return DynamicTest.dynamicTest(c.name(), () -> {
                DOWNSTREAM.received.clear();
                HttpRequest request = c.request().build("/edge/hostile/problem" + i);
                byte[] sent = SentBody.of(request);
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), c.name() + ": " + response.body());
                assertEquals(1, DOWNSTREAM.received.size(), c.name());
                Downstream.Received got = DOWNSTREAM.received.get(0);
                assertArrayEquals(sent, got.body(), c.name());
                assertEquals(List.of(Integer.toString(sent.length)), got.header("content-length"), c.name());
                List<String> mark = got.header(OssCallbackGatewayFilterFactory.VERIFIED_HEADER);
                assertEquals(1, mark.size(), c.name());
                assertTrue(mark.get(0).endsWith(", body-problem"), c.name() + ": " + mark);
            });
        });
    }

    @TestFactory
    Stream<DynamicTest> theCorpusHasAtLeast150Requests() {
        int size = corpus().rejected().size() + corpus().delivered().size();
        return Stream.of(DynamicTest.dynamicTest(size + " requests", () -> assertTrue(size >= 150, "corpus has " + size)));
    }

    private static void assertNothingRoutedAndNoUntrustedKeyHostAsked() {
        assertEquals(List.of(), DOWNSTREAM.received, "a hostile request reached the downstream");
        assertEquals(List.of(), Edge.UNTRUSTED.requests(), "an untrusted key host was contacted");
        assertTrue(HostileCorpus.TRUSTED_FETCHABLE.containsAll(Edge.TRUSTED.requests()),
                "fetched " + Edge.TRUSTED.requests());
    }
}
