package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.EventVerifier;
import io.github.osscallback.spi.EventEndpoint;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code oss.callback.events.*} properties and the event endpoint the plugin chooses, without a Solon application. */
class SolonEventSettingsTest {

    private static Map<String, String> props(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void eventPropertiesInKebabAndCamelCaseAreOneSettingAndNoCallbackSetting() {
        CallbackSettings settings = CallbackSettings.read(props(
                "oss.callback.events.mns-regions[0]", "cn-hangzhou", "oss.callback.events.mns-regions[1]", "cn-beijing",
                "oss.callback.events.mnsRegions[0]", "cn-hangzhou", "oss.callback.events.mnsRegions[1]", "cn-beijing",
                "oss.callback.events.event-bridge-token", "t", "oss.callback.max-body-bytes", "1000"));
        assertEquals(Map.of("mnsRegions", "cn-hangzhou,cn-beijing", "eventBridgeToken", "t"), settings.eventSettings());
        assertEquals(Map.of("maxBodyBytes", "1000"), settings.verifierSettings());
        assertEquals(List.of("/oss/events/*"), settings.eventPaths().patterns());
        assertEquals(false, settings.eventPathsSet());
    }

    @Test
    void aMisspeltEventPropertyIsRefusedWithTheNearest() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> CallbackSettings.read(props("oss.callback.events.mns-region", "cn-hangzhou")));
        assertTrue(e.getMessage().contains("oss.callback.events.mns-region is not an oss-callback property (did you"
                + " mean oss.callback.events.mns-regions?)"), e.getMessage());
        IllegalStateException outside = assertThrows(IllegalStateException.class,
                () -> CallbackSettings.read(props("oss.callback.event.mns-regions", "cn-hangzhou")));
        assertTrue(outside.getMessage().contains("(did you mean oss.callback.events.mns-regions?)"), outside.getMessage());
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> CallbackSettings.read(
                props("oss.callback.events.max-body-bytes", "1", "oss.callback.events.maxBodyBytes", "2")));
        assertTrue(twice.getMessage().contains("oss.callback.events.max-body-bytes is set twice"), twice.getMessage());
    }

    @Test
    void eventPathsNamingACallbackPathAreRefused() {
        CallbackSettings settings = CallbackSettings.read(props("oss.callback.paths", "/oss/*",
                "oss.callback.events.paths", "/oss/events/*, /oss/*"));
        assertEquals("OssCallbackPlugin: oss.callback.events.paths and oss.callback.paths both name /oss/*: a path is"
                + " for callbacks or for events, whose requests differ",
                assertThrows(IllegalStateException.class, settings::eventPaths).getMessage());
    }

    @Test
    void eventsAreOffWithoutPropertiesOrBean() {
        assertNull(PluginVerifier.events(Map.of(), false, List.of()));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PluginVerifier.events(Map.of(), true, List.of()));
        assertTrue(e.getMessage().contains("oss.callback.events.paths is set, but no event service is accepted"),
                e.getMessage());
    }

    @Test
    void propertiesBuildTheVerifierAndABadValueNamesItsProperty() {
        try (EventEndpoint endpoint = PluginVerifier.events(Map.of("mnsRegions", "cn-hangzhou"), false, List.of())) {
            assertEquals(EventVerifier.class, endpoint.verifier().getClass());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> PluginVerifier.events(
                Map.of("mnsRegions", "cn-hangzhou", "maxBodyBytes", "lots"), false, List.of()));
        assertTrue(e.getMessage().contains("oss.callback.events.max-body-bytes"), e.getMessage());
    }

    @Test
    void anOwnEventVerifierIsUsedAsItIsAndPropertiesBesideItAreRefused() {
        try (EventVerifier own = EventVerifier.builder().acceptMns().build()) {
            assertSame(own, PluginVerifier.events(Map.of(), false, List.of(own)).verifier());
            assertSame(own, PluginVerifier.events(Map.of("baseUrl", "https://events.example.com"), false,
                    List.of(own)).verifier());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> PluginVerifier.events(
                    Map.of("mnsRegions", "cn-hangzhou"), false, List.of(own)));
            assertTrue(e.getMessage().contains("oss.callback.events.mns-regions is set, but the application has its own"
                    + " EventVerifier bean"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> PluginVerifier.events(Map.of(), false, List.of(own, own)));
        }
    }
}
