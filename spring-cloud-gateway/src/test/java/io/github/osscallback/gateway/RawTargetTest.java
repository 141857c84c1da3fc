package io.github.osscallback.gateway;

import static io.github.osscallback.gateway.Edge.DOWNSTREAM;

import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.RawTargetCase;
import io.github.osscallback.fixtures.RawTargetTally;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Genuine callbacks whose URL holds any printable ASCII character, percent escape or raw UTF-8, in
 * the path or in the query, sent over a raw socket to the gateway, must verify there and reach the
 * downstream; what Reactor Netty or Spring refuses before the gateway runs is recorded and skipped.
 * The downstream is judged as the view here: what it received of each target is tallied
 * (target/raw-target-matrix), and a verified callback must reach it exactly once.
 */
class RawTargetTest extends GatewayTestSupport {

    private static final byte[] BODY = "bucket=b&object=o.jpg".getBytes(StandardCharsets.UTF_8);
    private static RawTargetTally tally;
    private static final List<String> REWRITTEN = new ArrayList<>();

    @BeforeAll
    static void start() {
        tally = new RawTargetTally("Spring Cloud Gateway on Boot "
                + org.springframework.boot.SpringBootVersion.getVersion());
    }

    @AfterAll
    static void summary() throws IOException {
        tally.writeSummary();
        if (!REWRITTEN.isEmpty()) {
            System.out.println("Targets the downstream received other than sent (" + REWRITTEN.size() + "):");
            REWRITTEN.forEach(line -> System.out.println("  " + line));
        }
    }

    @TestFactory
    Stream<DynamicTest> genuineCallbacksVerifyWhateverTheTargetHolds() {
        return RawTargetCase.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                () -> tally.check(c, "/edge/matrix", this::send,
                        id -> EdgeApplication.REACHED.remove(id) ? RawTargetTally.Seen.ADAPTER : RawTargetTally.Seen.NOWHERE)));
    }

    private RawHttp.Response send(String signedPath, String signedQuery, String target, String id) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(Edge.signed(Edge.OSS, signedPath, signedQuery, FORM, BODY));
        headers.put(RawTargetTally.CASE_HEADER, id);
        RawHttp.Response response = RawHttp.post(port, target, headers, BODY);
        List<Downstream.Received> got = DOWNSTREAM.take(RawTargetTally.CASE_HEADER, id);
        if (response.status() == 200) {
            Assertions.assertEquals(1, got.size(), target);
            String received = new String(got.get(0).target().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            if (!received.equals(target)) {
                // Reactor Netty reads the request line one char per byte and the gateway encodes each
                // such char as UTF-8 again: raw non-ASCII reaches the downstream encoded twice. Nothing else may change.
                Assertions.assertTrue(target.chars().anyMatch(ch -> ch > 0x7e), target + " reached the downstream as " + received);
                REWRITTEN.add(target + " -> " + received);
            }
        } else {
            Assertions.assertEquals(List.of(), got, target);
        }
        return response;
    }
}
