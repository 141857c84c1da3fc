package io.github.osscallback.spi;

import io.github.osscallback.internal.LogSafe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The request paths an adapter verifies because its configuration names them (the starter's
 * {@code oss.callback.paths}), as servlet URL patterns, so one setting means the same on every
 * framework: {@code /exact/path}, {@code /prefix/*} (the prefix itself and everything below it) or
 * {@code *.extension} (a last segment ending so). Matched against the decoded path the framework
 * routes by, so that no spelling of a path reaches a handler unverified; the signature still
 * covers the path as OSS sent it. Immutable and thread-safe.
 *
 * <pre>{@code
 * CallbackPaths paths = CallbackPaths.parse(List.of("/oss/callback/*", "*.cb"));
 * paths.matches("/oss/callback/upload");   // true
 * }</pre>
 */
public final class CallbackPaths {

    private static final String FORMS = "write /exact/path, /prefix/* or *.extension";

    private final List<String> patterns;
    private final boolean ignoringCase;

    private CallbackPaths(List<String> patterns, boolean ignoringCase) {
        this.patterns = patterns;
        this.ignoringCase = ignoringCase;
    }

    /**
     * The patterns, each trimmed.
     *
     * @throws IllegalArgumentException when there is none, or an entry (counted from 1) is blank or
     *     not one of the three forms ({@code /a/**}, {@code /a/*}{@code /b}, {@code a/b}, ...)
     */
    public static CallbackPaths parse(List<String> patterns) {
        Objects.requireNonNull(patterns, "patterns");
        if (patterns.isEmpty()) {
            throw new IllegalArgumentException("no path pattern (" + FORMS + ")");
        }
        List<String> parsed = new ArrayList<>(patterns.size());
        for (String entry : patterns) {
            String pattern = entry == null ? "" : entry.trim();
            if (!valid(pattern)) {
                throw new IllegalArgumentException("entry " + (parsed.size() + 1)
                        + (pattern.isEmpty() ? " is empty" : " ('" + LogSafe.text(pattern) + "') is not a path pattern")
                        + " (" + FORMS + ")");
            }
            parsed.add(pattern);
        }
        return new CallbackPaths(List.copyOf(parsed), false);
    }

    private static boolean valid(String pattern) {
        if (pattern.startsWith("/")) {
            int star = pattern.indexOf('*');
            return star < 0 || star == pattern.length() - 1 && pattern.endsWith("/*");
        }
        return pattern.startsWith("*.") && pattern.length() > 2 && pattern.indexOf('/') < 0
                && pattern.indexOf('*', 1) < 0;
    }

    /** These patterns matched ignoring case (ASCII and beyond, by {@link Locale#ROOT}), for a framework that routes so. */
    public CallbackPaths ignoringCase() {
        return new CallbackPaths(patterns, true);
    }

    /**
     * Whether a path falls under one of the patterns.
     *
     * @param decodedPath the path as the framework routes by it: percent-decoded, relative to the
     *     application's root, starting with {@code /}
     */
    public boolean matches(String decodedPath) {
        String path = ignoringCase ? decodedPath.toLowerCase(Locale.ROOT) : decodedPath;
        for (String p : patterns) {
            String pattern = ignoringCase ? p.toLowerCase(Locale.ROOT) : p;
            if (pattern.endsWith("/*")) {
                String prefix = pattern.substring(0, pattern.length() - 2);
                if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                    return true;
                }
            } else if (pattern.startsWith("*.")) {
                if (path.substring(path.lastIndexOf('/') + 1).endsWith(pattern.substring(1))) {
                    return true;
                }
            } else if (path.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /** The patterns, trimmed, in their order. */
    public List<String> patterns() {
        return patterns;
    }

    @Override
    public String toString() {
        return "CallbackPaths" + patterns + (ignoringCase ? " ignoring case" : "");
    }
}
