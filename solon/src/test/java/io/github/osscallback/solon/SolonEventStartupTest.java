package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A misconfigured event setup stops the application, each in a process of its own ({@link StartupFailureTest#run}). */
class SolonEventStartupTest {

    @Test
    void aMisspeltEventPropertyFailsStartUpWithTheNearestSuggested() throws Exception {
        String out = StartupFailureTest.run("--oss.callback.events.mns-region=cn-hangzhou");
        assertTrue(out.contains("oss.callback.events.mns-region is not an oss-callback property (did you mean"
                + " oss.callback.events.mns-regions?)"), out);
        assertFalse(out.contains("STARTED"), out);
    }

    @Test
    void eventPathsEqualToACallbackPathFailStartUp() throws Exception {
        // app.yml's callback paths are /oss/callback/* and /matrix/*.
        String out = StartupFailureTest.run("--oss.callback.events.mns-regions=cn-hangzhou",
                "--oss.callback.events.paths=/matrix/*");
        assertTrue(out.contains("oss.callback.events.paths and oss.callback.paths both name /matrix/*"), out);
        assertFalse(out.contains("STARTED"), out);
    }
}
