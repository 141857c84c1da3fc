package io.github.osscallback.webflux;

import java.util.ArrayList;
import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The paths a filter covers, written as the starter's path properties: {@code /exact},
 * {@code /prefix/*} (the prefix and everything below it) or {@code *.extension}, matched against
 * the decoded path within the application, as handler mappings match it, so no encoding of a
 * covered path reaches a handler unverified.
 */
final class FilterPaths {

    private final List<PathPattern> patterns = new ArrayList<>();
    private final List<String> extensions = new ArrayList<>();

    /**
     * @param filter the filter, for the error message
     * @param what what the paths are for ({@code callback}, {@code event}), for the error message
     * @throws IllegalArgumentException for a path in another form, or none
     */
    FilterPaths(String filter, String what, List<String> paths) {
        if (paths.isEmpty()) {
            throw new IllegalArgumentException(filter + " needs at least one " + what + " path");
        }
        PathPatternParser parser = new PathPatternParser();
        for (String path : paths) {
            String p = path.trim();
            if (p.startsWith("*.") && p.indexOf('/') < 0 && p.indexOf('*', 1) < 0) {
                extensions.add(p.substring(1));
            } else if (p.startsWith("/") && p.indexOf('*') < 0 && p.indexOf('{') < 0) {
                patterns.add(parser.parse(p));
            } else if (p.startsWith("/") && p.endsWith("/*") && p.indexOf('*') == p.length() - 1
                    && p.indexOf('{') < 0) {
                patterns.add(parser.parse(p + "*"));
            } else {
                throw new IllegalArgumentException(what + " path '" + p + "' is not /exact/path, /prefix/* or"
                        + " *.extension");
            }
        }
    }

    boolean covers(PathContainer path) {
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        if (!extensions.isEmpty()) {
            List<PathContainer.Element> elements = path.elements();
            for (int i = elements.size() - 1; i >= 0; i--) {
                if (elements.get(i) instanceof PathContainer.PathSegment segment) {
                    String last = segment.valueToMatch();
                    for (String extension : extensions) {
                        if (last.endsWith(extension)) {
                            return true;
                        }
                    }
                    break;
                }
            }
        }
        return false;
    }
}
