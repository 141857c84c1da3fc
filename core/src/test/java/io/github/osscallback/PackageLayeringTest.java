package io.github.osscallback;

import io.github.osscallback.fixtures.CodeLocations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages stay layered, as jdeps reads the compiled classes: applications' package at the
 * centre, {@code spi} (adapter authors) and {@code upload} (issuing uploads) on top of it, and the
 * internals under everything, depending on no other package of the library. No two packages
 * depend on each other, so each audience's package can change without the others.
 */
class PackageLayeringTest {

    private static final String ROOT = "io.github.osscallback";
    private static final Pattern EDGE = Pattern.compile("^\\s+(" + Pattern.quote(ROOT) + "\\S*)\\s+->\\s+("
            + Pattern.quote(ROOT) + "\\S*)\\s", Pattern.MULTILINE);

    @Test
    void packagesDependOnEachOtherOneWayOnly() throws Exception {
        Map<String, Set<String>> uses = dependencies();
        assertEquals(Set.of(ROOT, ROOT + ".internal", ROOT + ".spi", ROOT + ".upload"), uses.keySet(), uses.toString());
        for (Map.Entry<String, Set<String>> e : uses.entrySet()) {
            for (String used : e.getValue()) {
                assertTrue(!uses.getOrDefault(used, Set.of()).contains(e.getKey()),
                        e.getKey() + " and " + used + " depend on each other: " + uses);
            }
        }
        assertEquals(Set.of(), uses.get(ROOT + ".internal"), "internals depend on no other package of the library");
        assertEquals(Set.of(ROOT + ".internal"), uses.get(ROOT), "the application package builds only on internals");
        assertEquals(Set.of(ROOT, ROOT + ".internal"), uses.get(ROOT + ".spi"));
        assertEquals(Set.of(ROOT, ROOT + ".internal"), uses.get(ROOT + ".upload"));
    }

    /** Each package of the library, with the other packages of the library its classes use. */
    private static Map<String, Set<String>> dependencies() throws Exception {
        String modulePath = Stream.of(Caffeine.class, ObjectMapper.class, JsonFactory.class, JsonCreator.class)
                .map(type -> CodeLocations.of(type).toString()).collect(Collectors.joining(File.pathSeparator));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintWriter(out), new PrintWriter(err),
                "--multi-release", "17", "--module-path", modulePath, "-verbose:package", "-filter:none",
                CodeLocations.of(CallbackVerifier.class).toString());
        assertEquals(0, exit, err.toString());
        Map<String, Set<String>> uses = new TreeMap<>();
        Matcher edge = EDGE.matcher(out.toString());
        while (edge.find()) {
            Set<String> used = uses.computeIfAbsent(edge.group(1), p -> new TreeSet<>());
            if (!edge.group(1).equals(edge.group(2))) {
                used.add(edge.group(2));
            }
        }
        return uses;
    }

}
