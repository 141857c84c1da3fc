package io.github.osscallback.spring;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The health of a verifier's keys, for whichever Actuator health type the running Boot line has.
 *
 * <ul>
 *   <li>{@code UP}: a callback can be verified now: a key is pinned or a fetched key is in use, or
 *       keys are fetched on demand and no fetch has failed yet.</li>
 *   <li>{@code UNKNOWN}: keys are fetched on demand, none is at hand, and a fetch has failed.
 *       Not {@code DOWN}: the verifier fetches again only when a callback arrives, so a
 *       {@code DOWN} that takes the instance out of a load balancer would outlast the key host's
 *       recovery, and callbacks would be lost because of the health check. Boot ranks
 *       {@code UNKNOWN} below {@code UP}, so it does not change the application's status; alert
 *       on the {@code oss.callback.key.fetch} failures instead.</li>
 *   <li>{@code OUT_OF_SERVICE}: the verifier was closed (keys are no longer fetched or refreshed).</li>
 *   <li>{@code DOWN}: no key is at hand and none can be fetched.</li>
 * </ul>
 *
 * Details: the pinned key URLs, the fetched keys with when each was fetched and its age, whether
 * keys are fetched, and the last failed fetch (key URL, when, what went wrong; never a secret).
 */
final class KeyHealth {

    static final String UP = "UP";
    static final String DOWN = "DOWN";
    static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";
    static final String UNKNOWN = "UNKNOWN";

    /** A status code and its details, in Boot's terms but without its types. */
    record Report(String status, Map<String, Object> details) {
    }

    private final CallbackVerifier verifier;
    private final Clock clock;
    /**
     * Whether the verifier fetched keys when this started. {@link KeyStatus#remoteFetching()} goes
     * from true to false only when the verifier is closed, so this tells closing from a
     * configuration without fetching.
     */
    private final boolean fetchingAtStart;

    KeyHealth(CallbackVerifier verifier, Clock clock) {
        this.verifier = verifier;
        this.clock = clock;
        this.fetchingAtStart = verifier.keyStatus().remoteFetching();
    }

    Report report() {
        KeyStatus keys = verifier.keyStatus();
        return new Report(status(keys), details(keys));
    }

    private String status(KeyStatus keys) {
        boolean keyAtHand = !keys.pinnedKeyUrls().isEmpty() || !keys.fetchedKeys().isEmpty();
        if (fetchingAtStart && !keys.remoteFetching()) {
            return OUT_OF_SERVICE;
        }
        if (keyAtHand) {
            return UP;
        }
        if (!keys.remoteFetching()) {
            return DOWN;
        }
        // No key is at hand: every fetched one has expired or none was fetched yet.
        return keys.lastFailure().isPresent() ? UNKNOWN : UP;
    }

    private Map<String, Object> details(KeyStatus keys) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pinnedKeyUrls", List.copyOf(new TreeSet<>(keys.pinnedKeyUrls())));
        details.put("remoteFetching", keys.remoteFetching());
        Instant now = clock.instant();
        Map<String, Object> fetched = new LinkedHashMap<>();
        keys.fetchedKeys().forEach((keyUrl, at) -> fetched.put(keyUrl, Map.of(
                "fetchedAt", at.toString(),
                "ageSeconds", Math.max(0, Duration.between(at, now).getSeconds()))));
        details.put("fetchedKeys", fetched);
        keys.lastFailure().ifPresent(failure -> {
            Map<String, Object> last = new LinkedHashMap<>();
            last.put("keyUrl", failure.keyUrl());
            last.put("at", failure.at().toString());
            last.put("problem", failure.problem());
            details.put("lastFailure", last);
        });
        return details;
    }
}
