package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The fuzz oracles judge by the policy's own definitions, so a correct policy never fails them. */
class FuzzOracleTest {

    @Test
    void dotsInsideASegmentAreAnOrdinaryName() {
        // Found by a timed fuzzing run: the policy rightly allows it, the old oracle (contains "..") refused it.
        FuzzTargets.keyUrl("https://keys.test/oss/s../");
        FuzzTargets.keyUrl("https://keys.test/oss/..s/key.pem");
        FuzzTargets.keyUrl("http://127.0.0.1:8099/k/a...b");
    }

    @Test
    void dotSegmentsAreSegmentsThatAreExactlyOneOrTwoDots() {
        for (String url : new String[] {"https://keys.test/oss/../x", "https://keys.test/oss/./x",
            "https://keys.test/oss/..", "https://keys.test/oss/.", "https://keys.test/oss/..?q", "https://keys.test/oss/.#f",
            "/a/../b"}) {
            assertTrue(FuzzTargets.hasDotSegment(url), url);
        }
        for (String url : new String[] {"https://keys.test/oss/s../", "https://keys.test/oss/..s", "https://keys.test/oss/...",
            "https://keys.test/oss/.well-known/k", "https://keys.test/oss/a.b"}) {
            assertFalse(FuzzTargets.hasDotSegment(url), url);
        }
    }
}
