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
 * URLs, the fetched keys and when each was fetched, whether remote fetching is on, and the last
 * failed key fetch. An immutable snapshot from {@link CallbackVerifier#keyStatus()}.
 */
public final class KeyStatus {

    private final Set<String> pinnedKeyUrls;
    private final Map<String, Instant> fetchedKeys;
    private final boolean remoteFetching;
    private final Failure lastFailure;

    KeyStatus(Set<String> pinnedKeyUrls, Map<String, Instant> fetchedKeys, boolean remoteFetching,
              Failure lastFailure) {
        this.pinnedKeyUrls = Set.copyOf(pinnedKeyUrls);
        this.fetchedKeys = Collections.unmodifiableMap(new LinkedHashMap<>(fetchedKeys));
        this.remoteFetching = remoteFetching;
        this.lastFailure = lastFailure;
    }

    /** This status with these pinned key URLs. */
    KeyStatus withPinned(Set<String> pinned) {
        return new KeyStatus(pinned, fetchedKeys, remoteFetching, lastFailure);
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
        return "KeyStatus[pinned=" + pinnedKeyUrls + ", fetched=" + fetchedKeys + ", remoteFetching="
                + remoteFetching + ", lastFailure=" + lastFailure + "]";
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
