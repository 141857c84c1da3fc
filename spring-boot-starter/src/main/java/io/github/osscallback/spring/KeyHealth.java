package io.github.osscallback.spring;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyStatus;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The health of a verifier's keys, for whichever Actuator health type the running Boot line has:
 * {@link KeyStatus#health()} in Boot's status codes.
 *
 * <ul>
 *   <li>{@code UP}: {@link KeyStatus.Health#UP}: a callback can be verified now.</li>
 *   <li>{@code UNKNOWN}: {@link KeyStatus.Health#DEGRADED}: keys are fetched on demand, none is at
 *       hand, and a fetch has failed. Not {@code DOWN}: the verifier fetches again only when a
 *       callback arrives, so a {@code DOWN} that takes the instance out of a load balancer would
 *       outlast the key host's recovery. Boot ranks {@code UNKNOWN} below {@code UP}, so it does
 *       not change the application's status; alert on the {@code oss.callback.key.fetch} failures
 *       instead.</li>
 *   <li>{@code OUT_OF_SERVICE}: {@link KeyStatus.Health#CLOSED}: the verifier was closed.</li>
 * </ul>
 *
 * Details: the pinned key URLs, the fetched keys with when each was fetched and its age, whether
 * keys are fetched, and the last failed fetch (key URL, when, what went wrong; never a secret),
 * every time by the verifier's clock.
 */
final class KeyHealth {

    static final String UP = "UP";
    static final String OUT_OF_SERVICE = "OUT_OF_SERVICE";
    static final String UNKNOWN = "UNKNOWN";

    /** A status code and its details, in Boot's terms but without its types. */
    record Report(String status, Map<String, Object> details) {
    }

    private final CallbackVerifier verifier;

    KeyHealth(CallbackVerifier verifier) {
        this.verifier = verifier;
    }

    Report report() {
        KeyStatus keys = verifier.keyStatus();
        return new Report(status(keys.health()), details(keys));
    }

    private static String status(KeyStatus.Health health) {
        switch (health) {
            case UP:
                return UP;
            case DEGRADED:
                return UNKNOWN;
            case CLOSED:
                return OUT_OF_SERVICE;
            default:
                throw new IllegalStateException("no Boot status for " + health);
        }
    }

    private static Map<String, Object> details(KeyStatus keys) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pinnedKeyUrls", List.copyOf(new TreeSet<>(keys.pinnedKeyUrls())));
        details.put("remoteFetching", keys.remoteFetching());
        Map<String, Object> fetched = new LinkedHashMap<>();
        keys.fetchedKeys().forEach((keyUrl, at) -> fetched.put(keyUrl, Map.of(
                "fetchedAt", at.toString(),
                "ageSeconds", Math.max(0, Duration.between(at, keys.at()).getSeconds()))));
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
