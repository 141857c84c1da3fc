package io.github.osscallback;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where a {@link CallbackVerifier}'s keys stand at one moment, for health checks: the pinned key
 * URLs, the fetched keys and when each was fetched, whether remote fetching is on, the last
 * failed key fetch, and what that means for callbacks ({@link #health()}). An immutable snapshot
 * from {@link CallbackVerifier#keyStatus()}, with every time by the verifier's clock.
 */
public final class KeyStatus {

    private final Set<String> pinnedKeyUrls;
    private final Map<String, Instant> fetchedKeys;
    private final boolean remoteFetching;
    private final Failure lastFailure;
    private final Instant at;
    private final boolean closed;

    KeyStatus(Set<String> pinnedKeyUrls, Map<String, Instant> fetchedKeys, boolean remoteFetching,
              Failure lastFailure) {
        this(pinnedKeyUrls, fetchedKeys, remoteFetching, lastFailure, Instant.EPOCH, false);
    }

    private KeyStatus(Set<String> pinnedKeyUrls, Map<String, Instant> fetchedKeys, boolean remoteFetching,
                      Failure lastFailure, Instant at, boolean closed) {
        this.pinnedKeyUrls = Set.copyOf(pinnedKeyUrls);
        this.fetchedKeys = Collections.unmodifiableMap(new LinkedHashMap<>(fetchedKeys));
        this.remoteFetching = remoteFetching;
        this.lastFailure = lastFailure;
        this.at = Objects.requireNonNull(at, "at");
        this.closed = closed;
    }

    /** This status with these pinned key URLs. */
    KeyStatus withPinned(Set<String> pinned) {
        return new KeyStatus(pinned, fetchedKeys, remoteFetching, lastFailure, at, closed);
    }

    /** This status as the verifier hands it out: taken at this instant of its clock, and whether it was closed. */
    KeyStatus taken(Instant at, boolean closed) {
        return new KeyStatus(pinnedKeyUrls, fetchedKeys, remoteFetching, lastFailure, at, closed);
    }

    /** What the keys mean for a callback arriving now; see {@link Health}. */
    public Health health() {
        if (closed) {
            return Health.CLOSED;
        }
        if (!pinnedKeyUrls.isEmpty() || !fetchedKeys.isEmpty()) {
            return Health.UP;
        }
        // No key at hand (none fetched yet, or every one expired), so remote fetching is on (the
        // builder refuses a verifier with neither): a key is fetched when a callback comes.
        return lastFailure == null ? Health.UP : Health.DEGRADED;
    }

    /** When this snapshot was taken, by the verifier's clock: the age of a fetched key is from its fetch to this. */
    public Instant at() {
        return at;
    }

    /** Whether the verifier was closed: keys are no longer fetched or refreshed. */
    public boolean closed() {
        return closed;
    }

    /** The key URLs answered by a pinned key, never fetched (as the verifier fetches them). */
    public Set<String> pinnedKeyUrls() {
        return pinnedKeyUrls;
    }

    /** The fetched keys still in use, by key URL, with when each was fetched (by the verifier's clock). */
    public Map<String, Instant> fetchedKeys() {
        return fetchedKeys;
    }

    /** Whether keys that are not pinned may be fetched now: on in the configuration, and the verifier not closed. */
    public boolean remoteFetching() {
        return remoteFetching;
    }

    /** The most recent key fetch that reached the key host and produced no key, if any. */
    public Optional<Failure> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    @Override
    public String toString() {
        return "KeyStatus[" + health() + " at " + at + ", pinned=" + pinnedKeyUrls + ", fetched=" + fetchedKeys
                + ", remoteFetching=" + remoteFetching + ", lastFailure=" + lastFailure + "]";
    }

    /**
     * Whether a callback arriving now can be verified, as a health check reports it. Statuses of
     * frameworks map onto it: the Spring Boot starter reports {@code UP}, {@code UNKNOWN} for
     * {@link #DEGRADED} and {@code OUT_OF_SERVICE} for {@link #CLOSED}. There is no "down": a
     * verifier that has no key at hand and cannot fetch one is refused by its builder.
     */
    public enum Health {
        /**
         * A key is at hand (pinned, or fetched and not expired), or keys are fetched on demand and
         * no fetch has failed yet.
         */
        UP,
        /**
         * Keys are fetched on demand, none is at hand, and the last fetch failed: the next callback
         * tries again. Not a "down" on purpose: the verifier fetches only when a callback arrives,
         * so a status that takes the instance out of a load balancer would outlast the key host's
         * recovery. Alert on failed fetches ({@link CallbackListener#keyFetchFailed}) instead.
         */
        DEGRADED,
        /** The verifier was closed: keys are no longer fetched or refreshed. */
        CLOSED
    }

    /** A failed key fetch: which URL, when it failed, and a short log-safe description. */
    public static final class Failure {
        private final String keyUrl;
        private final Instant at;
        private final String problem;

        Failure(String keyUrl, Instant at, String problem) {
            this.keyUrl = Objects.requireNonNull(keyUrl, "keyUrl");
            this.at = Objects.requireNonNull(at, "at");
            this.problem = Objects.requireNonNull(problem, "problem");
        }

        /** The key URL whose fetch failed. */
        public String keyUrl() {
            return keyUrl;
        }

        /** When the fetch failed, by the verifier's clock. */
        public Instant at() {
            return at;
        }

        /** What went wrong, safe to log: no signature, body or secret. */
        public String problem() {
            return problem;
        }

        @Override
        public String toString() {
            return "Failure[" + keyUrl + " at " + at + ": " + problem + "]";
        }
    }
}
