package io.github.osscallback;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz tests of header parsing, the key URL policy and body parsing.
 *
 * <p>The normal build runs them without {@code JAZZER_FUZZ}, so each only replays the inputs
 * committed under {@code src/test/resources/io/github/osscallback/CallbackFuzzTestInputs/<method>/}:
 * seeds and every input that once failed. The build's result depends on those files alone, never
 * on what a time-limited run happens to find. Exploring is the {@code fuzz-long} profile
 * ({@code mvn -B verify -Pfuzz-long -pl core}): ten minutes per test with {@code JAZZER_FUZZ=1},
 * starting from the same inputs. A failing input it finds is written into that directory; fix the
 * code or the oracle in {@link FuzzTargets}, and commit the input so every build replays it. (A
 * run stopped early also leaves the input it was on there as {@code crash-*}; if it replays
 * green, it is not a finding: delete it.)
 *
 * <p>Input files are what Jazzer's {@link FuzzedDataProvider} consumes: for the key URL test the
 * URL's bytes as they are (ASCII passes through unchanged); for the others, strings are read from
 * the front (a length-limited string ends at a backslash and the byte after it) and numbers,
 * booleans and picks from the back, last byte first.
 */
class CallbackFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void fuzzHeaderParsing(FuzzedDataProvider data) {
        FuzzTargets.headers(data);
    }

    @FuzzTest(maxDuration = "10m")
    void fuzzKeyUrlPolicy(FuzzedDataProvider data) {
        FuzzTargets.keyUrl(data.consumeRemainingAsString());
    }

    @FuzzTest(maxDuration = "10m")
    void fuzzBodyParsing(FuzzedDataProvider data) {
        FuzzTargets.body(data);
    }
}
