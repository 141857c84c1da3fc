package io.github.osscallback.gateway;

import static io.github.osscallback.gateway.Edge.DOWNSTREAM;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.ReadingCase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential decoding corpus through the gateway. The gateway offers the downstream no
 * reading of its own, only bytes: what the downstream receives must be exactly the signed query and
 * body, marked as a body problem exactly when the verifier read no unambiguous fields (so a
 * downstream that parses only unmarked bodies parses only what every decoder reads alike); a case
 * the verifier refuses never reaches it.
 */
class ReadingCorpusTest extends GatewayTestSupport {

    static Stream<ReadingCase> corpus() {
        return ReadingCase.corpus().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void theDownstreamReceivesTheSignedBytesMarkedByTheVerifiersReading(ReadingCase c) throws Exception {
        DOWNSTREAM.received.clear();
        String path = "/edge/views";
        String target = c.query() == null ? path : path + "?" + c.query();
        RawHttp.Response response = RawHttp.post(port, target,
                Edge.signed(Edge.OSS, path, c.query(), FORM, c.body()), c.body());
        if (c.refusedBeforeAnyView(response.status(), response.body())) {
            assertEquals(List.of(), DOWNSTREAM.received);
            return;
        }
        if (c.refusal() != null) {
            assertEquals(400, response.status(), response.body());
            assertTrue(response.body().contains("\"" + c.refusal() + "\""), response.body());
            assertEquals(List.of(), DOWNSTREAM.received);
            return;
        }
        assertEquals(200, response.status(), response.body());
        assertEquals(1, DOWNSTREAM.received.size());
        Downstream.Received got = DOWNSTREAM.received.get(0);
        // Reactor Netty gives the target as received, one char per byte.
        assertEquals(target, new String(got.target().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        assertArrayEquals(c.body(), got.body());
        String mark = got.header(OssCallbackGatewayFilterFactory.VERIFIED_HEADER).get(0);
        assertEquals(!c.readable(), mark.endsWith(", body-problem"), mark);
    }
}
