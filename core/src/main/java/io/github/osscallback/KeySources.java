package io.github.osscallback;

import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The key options of {@link CallbackVerifier.Builder}, and the key source they assemble: pinned
 * keys answer first, anything else is fetched (at most so many at once, with at most so many
 * requests waiting for fetches others started) and cached, unless remote fetching is off. The
 * builder checks each value when it is set; combinations are checked here.
 */
final class KeySources {

    Duration connectTimeout = CallbackVerifier.DEFAULT_KEY_CONNECT_TIMEOUT;
    Duration fetchTimeout = CallbackVerifier.DEFAULT_KEY_FETCH_TIMEOUT;
    Duration refreshInterval = CallbackVerifier.DEFAULT_KEY_REFRESH_INTERVAL;
    Duration maxKeyAge = CallbackVerifier.DEFAULT_MAX_KEY_AGE;
    Duration retryBackoff = CallbackVerifier.DEFAULT_KEY_RETRY_BACKOFF;
    int maxConcurrentFetches = CallbackVerifier.DEFAULT_MAX_CONCURRENT_KEY_FETCHES;
    int maxFetchWaiters = CallbackVerifier.DEFAULT_MAX_KEY_FETCH_WAITERS;
    static final boolean DEFAULT_PINNED_OSS_KEY = true;
    static final boolean DEFAULT_REMOTE_FETCHING = true;
    boolean pinnedOssKey = DEFAULT_PINNED_OSS_KEY;
    boolean remoteFetching = DEFAULT_REMOTE_FETCHING;
    /** Where background refreshes complete; null means the HTTP client's threads. */
    Executor refreshExecutor;
    /** Tests replace the HTTP fetch; null means {@link RemoteKeySource}. */
    Function<URI, CompletableFuture<PublicKey>> fetcher;
    /** What the key hosts serve; events' hosts serve certificates. */
    RemoteKeySource.KeyFormat format = RemoteKeySource.KeyFormat.PEM_KEY;
    private final Map<String, String> pinnedPems = new LinkedHashMap<>();

    void pin(String keyUrl, String pem) {
        Objects.requireNonNull(keyUrl, "keyUrl");
        Objects.requireNonNull(pem, "pem");
        if (pinnedPems.putIfAbsent(keyUrl, pem) != null) {
            throw new IllegalStateException("a key is already pinned for " + keyUrl);
        }
    }

    /**
     * The key source for these options under the given key URLs, aging keys by the clock.
     *
     * @throws IllegalStateException if options contradict each other or a pinned key is unusable
     */
    PublicKeySource assemble(KeyUrls urls, Clock clock, CallbackListener listener) {
        if (connectTimeout.compareTo(fetchTimeout) > 0) {
            throw new IllegalStateException("keyFetchConnectTimeout " + connectTimeout
                    + " exceeds keyFetchTimeout " + fetchTimeout);
        }
        if (refreshInterval.compareTo(maxKeyAge) > 0) {
            throw new IllegalStateException("keyRefreshInterval " + refreshInterval
                    + " exceeds maxKeyAge " + maxKeyAge + ", so keys would expire before any refresh");
        }
        Map<URI, PublicKey> pinned = pinned(urls);
        if (!remoteFetching && pinned.isEmpty()) {
            throw new IllegalStateException("remote key fetching is off and no key is pinned for "
                    + urls.policy() + "; no callback could ever verify");
        }
        PublicKeySource remote = remoteFetching ? remote(clock, listener) : null;
        return pinned.isEmpty() ? remote : new PinnedKeySource(pinned, remote);
    }

    private Map<URI, PublicKey> pinned(KeyUrls urls) {
        KeyUrlPolicy policy = urls.policy();
        Map<URI, PublicKey> pinned = new LinkedHashMap<>();
        if (pinnedOssKey && policy.allows(CallbackVerifier.OSS_KEY_URL)) {
            pinned.put(urls.configuredFetchUri(CallbackVerifier.OSS_KEY_URL), OssKey.PUBLIC_KEY);
        }
        for (Map.Entry<String, String> pin : pinnedPems.entrySet()) {
            if (!policy.allows(pin.getKey())) {
                throw new IllegalStateException("key pinned for " + pin.getKey()
                        + " would never be used: " + policy + " does not allow that URL");
            }
            try {
                pinned.put(urls.configuredFetchUri(pin.getKey()),
                        format.parse(pin.getValue().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            } catch (PemKeys.InvalidKeyFormat e) {
                throw new IllegalStateException("key pinned for " + pin.getKey() + " does not parse: "
                        + e.getMessage(), e);
            }
        }
        return pinned;
    }

    private PublicKeySource remote(Clock clock, CallbackListener listener) {
        Function<URI, CompletableFuture<PublicKey>> fetch = fetcher;
        Runnable closeFetch = () -> { }; // a fetcher passed in is its owner's to stop
        if (fetch == null) {
            RemoteKeySource http = new RemoteKeySource(connectTimeout, fetchTimeout, format);
            fetch = http;
            closeFetch = http::close;
        }
        return new CachingKeySource(new KeyFetchLimiter(fetch, maxConcurrentFetches, clock, retryBackoff),
                clock, refreshInterval, maxKeyAge, retryBackoff, refreshExecutor, maxFetchWaiters, listener,
                closeFetch);
    }
}
