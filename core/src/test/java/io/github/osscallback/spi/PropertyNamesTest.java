package io.github.osscallback.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings as kebab-case properties ({@code oss.callback.key-url-prefixes}), as Spring, Quarkus and Solon name them. */
class PropertyNamesTest {

    @Test
    void aSettingIsItsPrefixAndItsNameInKebabCase() {
        assertEquals("oss.callback.key-url-prefixes", VerifierSettings.propertyName("oss.callback.", "keyUrlPrefixes"));
        assertEquals("oss.callback.max-body-bytes", VerifierSettings.propertyName("oss.callback.", "maxBodyBytes"));
        assertEquals("replay-window-seconds", VerifierSettings.propertyName("", "replayWindowSeconds"));
    }

    @Test
    void everySettingHasAKebabCasePropertyThatReadsBackToIt() {
        for (String name : VerifierSettings.NAMES) {
            String property = VerifierSettings.propertyName("", name);
            assertTrue(property.matches("[a-z0-9]+(-[a-z0-9]+)*"), property);
            StringBuilder camel = new StringBuilder();
            for (String word : property.split("-")) {
                camel.append(camel.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
            }
            assertEquals(name, camel.toString());
        }
    }

    @Test
    void aConfigurationErrorNamesThePropertiesTheApplicationWrote() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> VerifierSettings.configure(CallbackVerifier.builder(), Map.of("maxBodyBytes", "lots")));
        String message = VerifierSettings.inPropertyNames(e.getMessage(), "oss.callback.");
        assertTrue(message.startsWith("oss.callback.max-body-bytes='lots'"), message);
        assertEquals("", VerifierSettings.inPropertyNames(null, "oss.callback."));
    }
}
