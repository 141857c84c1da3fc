package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.spi.CallbackPaths;
import io.github.osscallback.spi.VerifierSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;

/**
 * The {@code oss.callback.*} properties, with the Spring Boot starter's names: each
 * {@link VerifierSettings} name in kebab case ({@code keyUrlPrefixes} is
 * {@code oss.callback.key-url-prefixes}), and {@code oss.callback.paths}. Read through
 * MicroProfile Config, so environment variables ({@code OSS_CALLBACK_KEY_URL_PREFIXES}) and
 * profiles work as for any Quarkus property.
 */
final class CallbackSettings {

    static final String PREFIX = "oss.callback.";
    static final String PATHS = PREFIX + "paths";
    static final List<String> DEFAULT_PATHS = List.of("/oss/callback/*");

    private CallbackSettings() {
    }

    /** The property name of a {@link VerifierSettings} name. */
    static String propertyName(String settingName) {
        return VerifierSettings.propertyName(PREFIX, settingName);
    }

    /** Every property this extension reads, verifier settings first, then the events'. */
    static List<String> known() {
        List<String> known = new ArrayList<>();
        for (String name : VerifierSettings.NAMES) {
            known.add(propertyName(name));
        }
        known.add(PATHS);
        known.addAll(EventSetup.known());
        return known;
    }

    /**
     * Fails start-up on an {@code oss.callback.*} property this extension does not read: Quarkus
     * would ignore it, and a misspelt security setting would leave its defence off without a word.
     */
    static void refuseUnknown(Config config) {
        List<String> known = known();
        for (String name : config.getPropertyNames()) {
            if (!name.startsWith(PREFIX) || known.contains(name)) {
                continue;
            }
            String guess = VerifierSettings.nearestName(name, known).map(n -> " (did you mean " + n + "?)").orElse("");
            throw new IllegalStateException(printable(name) + " is not an oss-callback property" + guess
                    + "; the properties are " + String.join(", ", known));
        }
    }

    /** A property name as it may go into a message: control characters shown as {@code ?}. */
    private static String printable(String name) {
        return name.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
    }

    /** A message about settings, with each setting name replaced by its property name. */
    static String inPropertyNames(String message) {
        return VerifierSettings.inPropertyNames(message, PREFIX);
    }

    /** The {@link VerifierSettings} the configuration sets, by setting name, as strings. */
    static Map<String, String> verifierSettings(Config config) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : VerifierSettings.NAMES) {
            Optional<String> value = config.getOptionalValue(propertyName(name), String.class);
            value.ifPresent(v -> settings.put(name, v));
        }
        return settings;
    }

    /** The path patterns of {@link #PATHS}: {@code /exact}, {@code /prefix/*} or {@code *.extension}. */
    static CallbackPaths paths(Config config) {
        try {
            return CallbackPaths.parse(config.getOptionalValues(PATHS, String.class).orElse(DEFAULT_PATHS));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(PATHS + " " + e.getMessage(), e);
        }
    }
}
