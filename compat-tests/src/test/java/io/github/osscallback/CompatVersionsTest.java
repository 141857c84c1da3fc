package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.osscallback.internal.JsonCodec;
import org.junit.jupiter.api.Test;

/**
 * The module really runs the versions it names: without this, a dependency-management slip would
 * quietly test the build's default Jackson and Caffeine and prove nothing.
 */
class CompatVersionsTest {

    private static String expected(String property) {
        String value = System.getProperty(property);
        assertTrue(value != null && !value.isEmpty(), "surefire must pass " + property);
        return value;
    }

    private static String jarOf(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation().getPath();
    }

    @Test
    void runsTheJacksonThisModuleNames() {
        String version = expected("compat.jackson.version");
        assertEquals(version, com.fasterxml.jackson.core.json.PackageVersion.VERSION.toString());
        assertEquals(version, com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION.toString());
        assertEquals(version, JsonCodec.JACKSON_CORE_VERSION.toString());
    }

    @Test
    void runsTheCaffeineThisModuleNames() {
        String jar = jarOf(Caffeine.class);
        assertTrue(jar.endsWith("/caffeine-" + expected("compat.caffeine.version") + ".jar"), jar);
    }

    @Test
    void enforcesJsonLimitsTheWayThisJacksonAllows() {
        boolean jacksonEnforces = Boolean.parseBoolean(expected("compat.jackson-enforces-limits"));
        assertEquals(jacksonEnforces, JsonCodec.JACKSON_ENFORCES_LIMITS);
        if (!jacksonEnforces) {
            // The reason the fallback exists: before 2.15 the class is simply not there.
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("com.fasterxml.jackson.core.StreamReadConstraints"));
        }
    }
}
