package io.github.osscallback;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Short fuzz runs for the normal build. Without {@code JAZZER_FUZZ} they replay their seeds as
 * ordinary tests; the build runs each for 10 s with {@code JAZZER_FUZZ=1} (see core/pom.xml).
 */
class CallbackFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void fuzzHeaderParsing(FuzzedDataProvider data) {
        FuzzTargets.headers(data);
    }

    @FuzzTest(maxDuration = "10s")
    void fuzzKeyUrlPolicy(FuzzedDataProvider data) {
        FuzzTargets.keyUrl(data.consumeRemainingAsString());
    }

    @FuzzTest(maxDuration = "10s")
    void fuzzBodyParsing(FuzzedDataProvider data) {
        FuzzTargets.body(data);
    }
}
