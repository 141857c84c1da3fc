package io.github.osscallback.quarkus.runtime;

import io.github.osscallback.spi.VerifierSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

    private static final Pattern UPPER = Pattern.compile("[A-Z]");

    private CallbackSettings() {
    }

    /** The property name of a {@link VerifierSettings} name. */
    static String propertyName(String settingName) {
        return PREFIX + kebab(settingName);
    }

    /** A setting name in kebab case, as Spring Boot's relaxed binding spells properties. */
    static String kebab(String settingName) {
        Matcher upper = UPPER.matcher(settingName);
        StringBuilder kebab = new StringBuilder();
        int from = 0;
        while (upper.find()) {
            kebab.append(settingName, from, upper.start()).append('-').append(upper.group().toLowerCase(Locale.ROOT));
            from = upper.end();
        }
        return kebab.append(settingName, from, settingName.length()).toString();
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
        return inPropertyNames(message, VerifierSettings.NAMES, CallbackSettings::propertyName);
    }

    /** A message about settings, with each of these setting names replaced by its property name. */
    static String inPropertyNames(String message, Iterable<String> names, UnaryOperator<String> propertyName) {
        String out = message == null ? "" : message;
        for (String name : names) {
            out = out.replaceAll("(?:setting )?\\b" + name + "\\b", Matcher.quoteReplacement(propertyName.apply(name)));
        }
        return out;
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
    static List<String> paths(Config config) {
        return paths(config, PATHS, DEFAULT_PATHS);
    }

    /** The path patterns of a property, or the defaults when it is not set. */
    static List<String> paths(Config config, String property, List<String> defaults) {
        List<String> paths = config.getOptionalValues(property, String.class).orElse(defaults);
        List<String> patterns = new ArrayList<>();
        for (String path : paths) {
            String pattern = path.trim();
            boolean valid = pattern.startsWith("/") ? pattern.indexOf('*') < 0 || pattern.indexOf('*') == pattern.length() - 1
                    && pattern.endsWith("/*") : pattern.startsWith("*.") && pattern.indexOf('/') < 0;
            if (!valid) {
                throw new IllegalStateException(property + " entry " + (patterns.size() + 1)
                        + " is not a path pattern (write /exact/path, /prefix/* or *.extension)");
            }
            patterns.add(pattern);
        }
        return patterns;
    }

    /** Whether a path (decoded, as routing matched it) falls under one of the patterns. */
    static boolean matches(List<String> patterns, String path) {
        for (String pattern : patterns) {
            if (pattern.endsWith("/*")) {
                String prefix = pattern.substring(0, pattern.length() - 2);
                if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                    return true;
                }
            } else if (pattern.startsWith("*.")) {
                int slash = path.lastIndexOf('/');
                if (path.substring(slash + 1).endsWith(pattern.substring(1))) {
                    return true;
                }
            } else if (path.equals(pattern)) {
                return true;
            }
        }
        return false;
    }
}
