package io.github.osscallback.internal;

import java.util.HashSet;
import java.util.Set;

/**
 * The rule every builder follows: each option is set at most once, so a second set (usually two
 * configuration sources disagreeing) fails at start-up instead of one silently winning.
 */
public final class Once {

    private final Set<String> set = new HashSet<>();

    /** @throws IllegalStateException if the option was set before */
    public void mark(String option) {
        if (!set.add(option)) {
            throw new IllegalStateException(option + " was already set");
        }
    }
}
