package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CallbackSettingsTest {

    private static Map<String, String> props(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @Test
    void kebabCamelAndFlattenedListsAreOneSetting() {
        CallbackSettings settings = CallbackSettings.read(props(
                "server.port", "8080",
                "oss.callback.key-url-prefixes[1]", "http://b/", "oss.callback.key-url-prefixes[0]", "http://a/",
                "oss.callback.keyUrlPrefixes[0]", "http://a/", "oss.callback.keyUrlPrefixes[1]", "http://b/",
                "oss.callback.max-body-bytes", "1000", "oss.callback.paths", "/a/*, /b"));
        assertEquals(Map.of("keyUrlPrefixes", "http://a/,http://b/", "maxBodyBytes", "1000"), settings.verifierSettings());
        assertEquals(List.of("/a/*", "/b"), settings.paths().patterns());
        assertEquals(List.of("/oss/callback/*"), CallbackSettings.read(props()).paths().patterns());
    }

    @Test
    void unknownTwiceAndBadPathsAreRefused() {
        IllegalStateException unknown = assertThrows(IllegalStateException.class,
                () -> CallbackSettings.read(props("oss.callback.key-url-prefix", "http://a/")));
        assertTrue(unknown.getMessage().contains("(did you mean oss.callback.key-url-prefixes?)"), unknown.getMessage());
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> CallbackSettings.read(
                props("oss.callback.max-body-bytes", "1", "oss.callback.maxBodyBytes", "2")));
        assertTrue(twice.getMessage().contains("oss.callback.max-body-bytes is set twice"), twice.getMessage());
        IllegalStateException path = assertThrows(IllegalStateException.class,
                () -> CallbackSettings.read(props("oss.callback.paths", "/a/*, /a/**")));
        assertEquals("OssCallbackPlugin: oss.callback.paths entry 2 ('/a/**') is not a path pattern (write /exact/path,"
                + " /prefix/* or *.extension)", path.getMessage());
        assertThrows(IllegalStateException.class, () -> CallbackSettings.read(props("oss.callback.paths", " ")));
    }
}
