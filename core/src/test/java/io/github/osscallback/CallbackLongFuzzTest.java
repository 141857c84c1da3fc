package io.github.osscallback;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/** Long fuzz runs, 10 minutes each, behind the {@code fuzz-long} profile. */
class CallbackLongFuzzTest {

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
