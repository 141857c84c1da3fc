package io.github.osscallback.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class CallbackPathsTest {

    private static final CallbackPaths PATHS = CallbackPaths.parse(List.of("/oss/callback/*", " /exact ", "*.cb"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/oss/callback, true",
        "/oss/callback/, true",
        "/oss/callback/a/b, true",
        "/oss/callbacks, false",
        "/oss, false",
        "/exact, true",
        "/exact/, false",
        "/exact/x, false",
        "/x/y.cb, true",
        "/y.cb, true",
        "/x.cb/y, false",
        "/x/ycb, false",
        "/OSS/callback/a, false",
        "/X/Y.CB, false",
    })
    void matchesAsServletUrlPatternsDo(String path, boolean matches) {
        assertEquals(matches, PATHS.matches(path), path);
    }

    @Test
    void ignoringCaseMatchesEverySpellingOfThePatterns() {
        CallbackPaths paths = PATHS.ignoringCase();
        assertTrue(paths.matches("/OSS/Callback/a"));
        assertTrue(paths.matches("/EXACT"));
        assertTrue(paths.matches("/x/Y.CB"));
        assertFalse(paths.matches("/OSS/callbacks"));
        assertFalse(PATHS.matches("/EXACT"), "the original is unchanged");
    }

    @Test
    void slashStarCoversEveryPath() {
        CallbackPaths all = CallbackPaths.parse(List.of("/*"));
        assertTrue(all.matches("/"));
        assertTrue(all.matches("/anything/below"));
    }

    @Test
    void keepsThePatternsTrimmedInTheirOrder() {
        assertEquals(List.of("/oss/callback/*", "/exact", "*.cb"), PATHS.patterns());
        assertEquals("CallbackPaths[/oss/callback/*, /exact, *.cb]", PATHS.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a/**", "/a/*/b", "/a*", "a/b", "oss/callback/*", "*.", "*.a/b", "*.a*", "**.cb", "*"})
    void refusesWhatIsNoPattern(String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CallbackPaths.parse(List.of("/ok", pattern)));
        assertEquals("entry 2 ('" + pattern + "') is not a path pattern (write /exact/path, /prefix/* or *.extension)",
                e.getMessage());
    }

    @Test
    void refusesNoPatternsAndBlankOnes() {
        assertEquals("no path pattern (write /exact/path, /prefix/* or *.extension)",
                assertThrows(IllegalArgumentException.class, () -> CallbackPaths.parse(List.of())).getMessage());
        assertEquals("entry 1 is empty (write /exact/path, /prefix/* or *.extension)",
                assertThrows(IllegalArgumentException.class, () -> CallbackPaths.parse(List.of(" "))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> CallbackPaths.parse(Arrays.asList("/a", null)));
    }

    @Test
    void aPatternInAMessageIsPrintableAndBounded() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CallbackPaths.parse(List.of("x\n" + "y".repeat(300))));
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }
}
