package io.github.osscallback.spring;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.spi.VerifierSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The {@code oss.callback.*} properties. Each {@link VerifierSettings} name is a property under its
 * kebab-case name ({@code keyUrlPrefixes} is {@code oss.callback.key-url-prefixes}), bound with
 * Spring's relaxed rules (so also {@code OSS_CALLBACK_KEYURLPREFIXES} or a YAML list) and handed to
 * {@link VerifierSettings#configure}: one parser, one set of error messages, for every adapter.
 */
final class CallbackProperties {

    static final String PREFIX = "oss.callback";
    /** Servlet URL patterns the verifying filter is mapped to. */
    static final String PATHS = PREFIX + ".paths";
    static final List<String> DEFAULT_PATHS = List.of("/oss/callback/*");
    /** Opt-out of making Jetty's header cache case-sensitive. */
    static final String JETTY_HEADER_CACHE = PREFIX + ".jetty.header-cache-case-sensitive";

    private static final Pattern UPPER = Pattern.compile("[A-Z]");

    private CallbackProperties() {
    }

    /** The property name of a {@link VerifierSettings} name: {@code oss.callback.} and its kebab-case form. */
    static String propertyName(String settingName) {
        Matcher upper = UPPER.matcher(settingName);
        StringBuilder kebab = new StringBuilder(PREFIX).append('.');
        int from = 0;
        while (upper.find()) {
            kebab.append(settingName, from, upper.start()).append('-').append(upper.group().toLowerCase(Locale.ROOT));
            from = upper.end();
        }
        return kebab.append(settingName, from, settingName.length()).toString();
    }

    /** The servlet URL patterns of {@link #PATHS}. */
    static List<String> paths(Environment environment) {
        refuseUnknown(environment);
        return patterns(PATHS, Binder.get(environment).bind(PATHS, Bindable.listOf(String.class)).orElse(DEFAULT_PATHS));
    }

    /** Servlet URL patterns, checked: {@code property} names them in the error message. */
    static List<String> patterns(String property, List<String> paths) {
        List<String> patterns = new ArrayList<>();
        for (String path : paths) {
            String pattern = path.trim();
            // Servlet URL patterns: a path, a path ending in /*, or an extension such as *.callback.
            boolean valid = pattern.startsWith("/") ? pattern.indexOf('*') < 0 || pattern.indexOf('*') == pattern.length() - 1
                    && pattern.endsWith("/*") : pattern.startsWith("*.") && pattern.indexOf('/') < 0;
            if (!valid) {
                throw new InvalidCallbackPropertiesException(property + " entry " + (patterns.size() + 1)
                        + " is not a servlet URL pattern (write /exact/path, /prefix/* or *.extension)", null);
            }
            patterns.add(pattern);
        }
        if (patterns.isEmpty()) {
            throw new InvalidCallbackPropertiesException(property + " is empty", null);
        }
        return patterns;
    }

    /**
     * Fails start-up on an {@code oss.callback.*} property the starter does not read. Spring would
     * ignore it, and a misspelt security setting ({@code replay-window} for
     * {@code replay-window-seconds}, or an environment variable with the dashes as underscores)
     * would then leave a defence off without a word.
     */
    static void refuseUnknown(Environment environment) {
        Map<String, Object> given = Binder.get(environment)
                .bind(PREFIX, Bindable.mapOf(String.class, Object.class)).orElse(Map.of());
        Map<String, String> known = new LinkedHashMap<>();
        for (String name : VerifierSettings.NAMES) {
            known.put(normalized(name), propertyName(name));
        }
        known.put("paths", PATHS);
        known.put("jetty", JETTY_HEADER_CACHE);
        for (Map.Entry<String, Object> entry : given.entrySet()) {
            String key = normalized(entry.getKey());
            boolean jettyOption = key.equals("jetty") && (!(entry.getValue() instanceof Map)
                    || ((Map<?, ?>) entry.getValue()).keySet().stream()
                            .allMatch(sub -> normalized(String.valueOf(sub)).equals("headercachecasesensitive")));
            if (known.containsKey(key) && (!key.equals("jetty") || jettyOption)) {
                continue;
            }
            if (key.equals("events")) {
                EventProperties.refuseUnknown(entry.getValue());
                continue;
            }
            // The same nearest-name rule as for init-params and JAX-RS properties.
            String guess = VerifierSettings.nearestName(PREFIX + "." + entry.getKey(), known.values())
                    .map(name -> " (did you mean " + name + "?)").orElse("");
            throw new InvalidCallbackPropertiesException(PREFIX + "." + entry.getKey()
                    + " is not an oss-callback property" + guess + "; the properties are " + String.join(", ", known.values())
                    + ", each also as an environment variable without dashes (OSS_CALLBACK_MAXBODYBYTES)", null);
        }
    }

    /** Spring's relaxed form: case, dashes and underscores do not count. */
    private static String normalized(String name) {
        return name.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    }

    static boolean jettyHeaderCacheCaseSensitive(Environment environment) {
        return Binder.get(environment).bind(JETTY_HEADER_CACHE, Boolean.class).orElse(Boolean.TRUE);
    }
}
