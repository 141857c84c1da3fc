package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackListener;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.ReplayStore;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The choices the plugin makes among the application's beans and properties, without a Solon application. */
class PluginVerifierTest {

    @Test
    void anOwnVerifierIsUsedAsItIs() {
        try (CallbackVerifier own = CallbackVerifier.builder().build()) {
            assertSame(own, PluginVerifier.of(Map.of(), List.of(own), List.of(), List.of()).endpoint().verifier());
        }
    }

    @Test
    void twoVerifiersOrTwoStoresAreRefused() {
        try (CallbackVerifier a = CallbackVerifier.builder().build(); CallbackVerifier b = CallbackVerifier.builder().build()) {
            assertEquals("OssCallbackPlugin: the application has 2 CallbackVerifier beans; it verifies with one: keep one",
                    assertThrows(IllegalStateException.class,
                            () -> PluginVerifier.of(Map.of(), List.of(a, b), List.of(), List.of())).getMessage());
        }
        ReplayStore one = ReplayStore.inMemory(10, Clock.systemUTC());
        ReplayStore two = ReplayStore.inMemory(10, Clock.systemUTC());
        assertEquals("OssCallbackPlugin: the application has 2 ReplayStore beans; replay protection uses one: keep one",
                assertThrows(IllegalStateException.class, () -> PluginVerifier.of(Map.of("replayWindowSeconds", "60"),
                        List.of(), List.of(one, two), List.of())).getMessage());
    }

    @Test
    void aBadReplayWindowBesideAStoreNamesTheProperty() {
        ReplayStore store = ReplayStore.inMemory(10, Clock.systemUTC());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PluginVerifier.of(
                Map.of("replayWindowSeconds", "ten"), List.of(), List.of(store), List.of()));
        assertEquals("OssCallbackPlugin (oss.callback properties) is misconfigured: oss.callback.replay-window-seconds"
                + " is not a whole number of seconds", e.getMessage());
    }

    @Test
    void propertiesStillApplyBesideListenerBeans() {
        CallbackListener listener = new CallbackListener() {
        };
        PluginVerifier built = PluginVerifier.of(Map.of("maxBodyBytes", "1000"), List.of(), List.of(), List.of(listener));
        assertTrue(built.endpoint().verifier().toString().endsWith("maxBodyBytes=1000]"), built.endpoint().verifier().toString());
        built.close();
    }
}
