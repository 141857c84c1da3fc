package io.github.osscallback.quarkus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.HostileCorpus;
import io.github.osscallback.fixtures.HostileCorpus.Delivered;
import io.github.osscallback.fixtures.HostileCorpus.Rejected;
import io.github.osscallback.testing.OssCallbackSigner;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The shared hostile corpus (test-fixtures' HostileCorpus), against the Quarkus extension over
 * real HTTP: each request gets its status and reason, none reaches user code or yields a 500; and
 * signed bodies that do not parse are delivered with a body problem and no ambiguous field.
 */
@QuarkusTest
@WithTestResource(KeyHost.class)
class HostileCorpusTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URL root;

    private static String config(String name) {
        return ConfigProvider.getConfig().getValue(name, String.class);
    }

    /** The corpus against this application, with the signers and key hosts KeyHost set up. */
    private HostileCorpus corpus() {
        return new HostileCorpus("http://127.0.0.1:" + root.getPort(),
                OssCallbackSigner.fromPem(config(KeyHost.SIGNER))::sign,
                OssCallbackSigner.fromPem(config(KeyHost.ATTACKER_SIGNER))::sign,
                config(KeyHost.TRUSTED_BASE), config(KeyHost.ATTACKER_BASE));
    }

    @TestFactory
    Stream<DynamicTest> signedBodiesThatDoNotParseAreDeliveredWithAProblemAndNoAmbiguousField() {
        List<Delivered> cases = corpus().delivered();
        return IntStream.range(0, cases.size()).boxed().map(i -> {
            Delivered c = cases.get(i);
            return DynamicTest.dynamicTest(c.name(), () -> {
                HostileResource.REACHED.clear();
                HttpResponse<String> response = HTTP.send(c.request().build("/hostile/problem" + i),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), c.name() + ": " + response.body());
                assertEquals(1, HostileResource.REACHED.size(), c.name());
                OssCallback seen = HostileResource.REACHED.remove(0);
                assertTrue(seen.bodyProblem().isPresent(), c.name());
                assertTrue(c.seenAsExpected(seen.fields(), seen.size(), seen.imageHeight()),
                        c.name() + ": user code saw " + seen.fields());
            });
        });
    }

    @Test
    void corpusHasAtLeast150HostileRequests() {
        int size = corpus().rejected().size() + corpus().delivered().size();
        assertTrue(size >= 150, "corpus has " + size);
    }

    @TestFactory
    Stream<DynamicTest> eachHostileRequestIsRejected() {
        List<Rejected> corpus = corpus().rejected();
        return IntStream.range(0, corpus.size()).boxed().map(i -> {
            Rejected c = corpus.get(i);
            return DynamicTest.dynamicTest(c.name(), () -> {
                HostileResource.REACHED.clear();
                // The server may close a connection whose oversized body it refused to read; such
                // requests get a client of their own, so no other request meets that connection.
                HttpClient client = c.status() == 413
                        ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build() : HTTP;
                HttpResponse<String> response;
                try {
                    response = client.send(c.request().build("/hostile/case" + i), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    if (c.status() != 413) {
                        throw e;
                    }
                    // Closing with the body unread can reset the connection before the client reads
                    // the 413: a transport race, not a verdict; user code must still not have run.
                    assertEquals(List.of(), HostileResource.REACHED, "a hostile request reached user code");
                    return;
                }
                String context = c.name() + ": " + response.body();
                assertEquals(c.status(), response.statusCode(), context);
                JsonNode json = JSON.readTree(response.body());
                assertEquals("REJECTED", json.path("status").asText(), context);
                assertEquals(c.reason(), json.path("reason").asText(), context);
                assertEquals(List.of(), HostileResource.REACHED, "a hostile request reached user code");
            });
        });
    }
}
