package io.github.osscallback;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Caches keys per URI around a fetcher. Concurrent first requests share one fetch; a key older
 * than the refresh interval is refreshed in the background while it keeps being served; if
 * refreshes fail, the key is served until it reaches the maximum age, then requests fail closed.
 * A failed fetch is remembered for a short back-off, so an outage costs the key host one request
 * per back-off, not one per callback.
 */
final class CachingKeySource implements PublicKeySource {

    private static final System.Logger LOG = System.getLogger(CachingKeySource.class.getName());
    static final int MAX_CACHED_URLS = 64;

    private final Function<URI, CompletableFuture<PublicKey>> fetcher;
    private final Clock clock;
    private final Duration refreshAfter;
    private final Duration maxAge;
    private final AsyncCache<URI, CachedKey> keys;
    private final Cache<URI, CallbackRejectedException> recentFailures;
    private final ConcurrentMap<URI, Boolean> refreshing = new ConcurrentHashMap<>();

    CachingKeySource(Function<URI, CompletableFuture<PublicKey>> fetcher, Clock clock,
                     Duration refreshAfter, Duration maxAge, Duration failureBackoff) {
        this.fetcher = fetcher;
        this.clock = clock;
        this.refreshAfter = refreshAfter;
        this.maxAge = maxAge;
        Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
        // Maintenance of these tiny caches runs on the calling thread: handing it to the common pool
        // costs a thread switch on the request path, more than the work itself.
        this.keys = Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(ticker)
                .maximumSize(MAX_CACHED_URLS)
                .expireAfterWrite(maxAge)
                .buildAsync();
        this.recentFailures = Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(ticker)
                .maximumSize(MAX_CACHED_URLS)
                .expireAfterWrite(failureBackoff)
                .build();
    }

    @Override
    public PublicKey get(URI uri) throws CallbackRejectedException {
        CompletableFuture<CachedKey> present = keys.getIfPresent(uri);
        if (present != null && present.isDone() && !present.isCompletedExceptionally()) {
            CachedKey cached = present.join();
            Instant now = clock.instant();
            if (now.isBefore(cached.fetchedAt.plus(refreshAfter))) {
                return cached.key;
            }
            if (now.isBefore(cached.fetchedAt.plus(maxAge))) {
                refreshInBackground(uri, cached);
                return cached.key;
            }
            keys.asMap().remove(uri, present);
        }
        CallbackRejectedException failed = recentFailures.getIfPresent(uri);
        if (failed != null) {
            throw new CallbackRejectedException(failed.reason(), failed.getMessage()
                    + " (not retried until the back-off ends)");
        }
        CompletableFuture<CachedKey> fetch = keys.get(uri, (u, executor) -> fetchNow(u));
        try {
            return fetch.join().key;
        } catch (CompletionException e) {
            CallbackRejectedException rejection = unwrap(uri, e);
            recentFailures.put(uri, rejection);
            throw new CallbackRejectedException(rejection.reason(), rejection.getMessage(), rejection.getCause());
        }
    }

    private CompletableFuture<CachedKey> fetchNow(URI uri) {
        return fetcher.apply(uri).thenApply(key -> new CachedKey(key, clock.instant()));
    }

    private void refreshInBackground(URI uri, CachedKey stale) {
        if (recentFailures.getIfPresent(uri) != null || refreshing.putIfAbsent(uri, Boolean.TRUE) != null) {
            return;
        }
        fetchNow(uri).whenComplete((fresh, error) -> {
            if (error == null) {
                keys.put(uri, CompletableFuture.completedFuture(fresh));
            } else {
                CallbackRejectedException rejection = unwrap(uri, error);
                recentFailures.put(uri, rejection);
                LOG.log(System.Logger.Level.WARNING, "key refresh failed ({0}); serving the key fetched at {1} until {2}: {3}",
                        rejection.reason().code(), stale.fetchedAt, stale.fetchedAt.plus(maxAge), rejection.getMessage());
            }
            refreshing.remove(uri);
        });
    }

    private static CallbackRejectedException unwrap(URI uri, Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CallbackRejectedException) {
            return (CallbackRejectedException) cause;
        }
        return new CallbackRejectedException(CallbackRejectedException.Reason.KEY_UNAVAILABLE,
                "key fetch from " + uri + " failed: " + cause, cause);
    }

    /** A key and when it was fetched. */
    private static final class CachedKey {
        final PublicKey key;
        final Instant fetchedAt;

        CachedKey(PublicKey key, Instant fetchedAt) {
            this.key = key;
            this.fetchedAt = fetchedAt;
        }
    }
}
