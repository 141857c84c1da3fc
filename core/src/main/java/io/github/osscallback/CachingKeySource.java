package io.github.osscallback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Caches keys per URI around a fetcher. Concurrent first requests share one fetch; a key older
 * than the refresh interval is refreshed in the background while it keeps being served; if
 * refreshes fail, the key is served until it reaches the maximum age, then requests fail closed.
 * A failed fetch is logged once and remembered for a short back-off, so an outage costs the key
 * host one request per back-off, not one per callback. A fetch the fetcher refused without using
 * the network (see {@link KeyFetchLimiter}) fails only the requests waiting for it. A refresh runs
 * on the refresh executor when one is given (tests pass the caller's thread), else it completes on
 * the fetcher's threads.
 *
 * <p>Only so many requests, over all URIs, may wait for a fetch another request started; one
 * more is refused at once rather than held for as long as the fetch may take, so a flood naming
 * one URI on a hanging key host cannot take every request thread. The request that starts a
 * fetch is not counted: the fetcher bounds those.
 *
 * <p>Fetches in flight live in a plain map of futures that always complete normally, with a key
 * or a rejection: a failed future inside a Caffeine async cache would make Caffeine log a
 * warning with a stack trace for every failed fetch.
 */
final class CachingKeySource implements PublicKeySource {

    private static final System.Logger LOG = System.getLogger(CachingKeySource.class.getName());
    static final int MAX_CACHED_URLS = 64;

    private final Function<URI, CompletableFuture<PublicKey>> fetcher;
    private final Clock clock;
    private final Duration refreshAfter;
    private final Duration maxAge;
    private final Duration failureBackoff;
    /** Where a refresh runs to its end; null: it is started and completes on the fetcher's threads. */
    private final Executor refreshExecutor;
    private final int maxWaiters;
    /** Requests waiting for a fetch they did not start. */
    private final Semaphore waiters;
    private final Cache<URI, CachedKey> keys;
    private final Cache<URI, CallbackRejectedException> recentFailures;
    private final ConcurrentMap<URI, CompletableFuture<Outcome>> inFlight = new ConcurrentHashMap<>();
    private final CallbackListener listener;
    /** Stops what the fetcher started (its HTTP client and threads); a no-op for a fetcher the user owns. */
    private final Runnable closeFetcher;
    private volatile boolean closed;
    private volatile KeyStatus.Failure lastFailure;
    /** The key served last, with its URI; immutable, so a racing read sees it whole. */
    private volatile Recent recent;

    CachingKeySource(Function<URI, CompletableFuture<PublicKey>> fetcher, Clock clock,
                     Duration refreshAfter, Duration maxAge, Duration failureBackoff, Executor refreshExecutor,
                     int maxWaiters, CallbackListener listener, Runnable closeFetcher) {
        this.fetcher = fetcher;
        this.listener = listener;
        this.closeFetcher = closeFetcher;
        this.clock = clock;
        this.refreshAfter = refreshAfter;
        this.maxAge = maxAge;
        this.failureBackoff = failureBackoff;
        this.refreshExecutor = refreshExecutor;
        this.maxWaiters = maxWaiters;
        this.waiters = new Semaphore(maxWaiters);
        ClockTicker ticker = new ClockTicker(clock);
        // Maintenance of these tiny caches runs on the calling thread: handing it to the common pool
        // costs a thread switch on the request path, more than the work itself.
        this.keys = Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(ticker)
                .maximumSize(MAX_CACHED_URLS)
                .expireAfterWrite(maxAge)
                .build();
        this.recentFailures = Caffeine.newBuilder()
                .executor(Runnable::run)
                .ticker(ticker)
                .maximumSize(MAX_CACHED_URLS)
                .expireAfterWrite(failureBackoff)
                .build();
    }

    @Override
    public CompletableFuture<PublicKey> get(URI uri) {
        // Callbacks name one key URL, nearly always: the key served last, while it is not due for a
        // refresh (so not expired either), answers without the cache lookup.
        Recent recent = this.recent;
        if (recent != null && recent.uri.equals(uri) && clock.millis() < recent.cached.refreshAtMillis) {
            return recent.cached.ready;
        }
        CachedKey cached = keys.getIfPresent(uri);
        if (cached != null) {
            // Millisecond arithmetic: this runs for every callback, and Instants would be allocated here.
            long now = clock.millis();
            if (now < cached.refreshAtMillis) {
                if (recent == null || recent.cached != cached) {
                    this.recent = new Recent(uri, cached);
                }
                return cached.ready;
            }
            if (now < cached.expiresAtMillis) {
                refreshInBackground(uri, cached);
                return cached.ready;
            }
            keys.asMap().remove(uri, cached);
        }
        if (closed) {
            return CompletableFuture.failedFuture(new CallbackRejectedException(
                    CallbackRejectedException.Reason.KEY_UNAVAILABLE, "the verifier is closed; no key fetch for " + uri));
        }
        CallbackRejectedException failed = recentFailures.getIfPresent(uri);
        if (failed != null) {
            return CompletableFuture.failedFuture(new CallbackRejectedException(failed.reason(), failed.getMessage()
                    + " (not retried until the back-off ends)"));
        }
        CompletableFuture<Outcome> mine = new CompletableFuture<>();
        CompletableFuture<Outcome> shared = sharedFetch(uri, null, mine);
        CompletableFuture<Outcome> outcome;
        if (shared == mine || shared.isDone()) {
            outcome = shared; // started here, or no wait: no waiting slot
        } else if (!waiters.tryAcquire()) {
            return CompletableFuture.failedFuture(new CallbackRejectedException(
                    CallbackRejectedException.Reason.KEY_UNAVAILABLE, maxWaiters
                    + " requests are already waiting for key fetches; not waiting for the fetch of " + uri
                    + " (maxKeyFetchWaiters)"));
        } else {
            // The slot is held until the fetch ends, whether a thread blocks on it or not: the bound is
            // on requests held up by another's fetch, which is what a flood on a hanging host makes.
            outcome = shared.whenComplete((o, e) -> waiters.release());
        }
        return outcome.thenApply(CachingKeySource::keyOrThrow);
    }

    /** Each request gets a rejection of its own, so no two callers share (and add to) one exception. */
    private static PublicKey keyOrThrow(Outcome outcome) {
        if (outcome.key != null) {
            return outcome.key;
        }
        CallbackRejectedException rejection = outcome.rejection;
        throw new CompletionException(new CallbackRejectedException(rejection.reason(), rejection.getMessage(),
                rejection.getCause()));
    }

    private void refreshInBackground(URI uri, CachedKey stale) {
        if (!closed && recentFailures.getIfPresent(uri) == null && !inFlight.containsKey(uri)) {
            if (refreshExecutor == null) {
                sharedFetch(uri, stale, new CompletableFuture<>());
                return;
            }
            try {
                // never fails: outcomes complete normally
                refreshExecutor.execute(() -> sharedFetch(uri, stale, new CompletableFuture<>()).join());
            } catch (RejectedExecutionException e) {
                // a full or shut-down executor must not cost the callback its cached key
                sharedFetch(uri, stale, new CompletableFuture<>());
            }
        }
    }

    /**
     * The fetch in flight for this URI, or {@code mine}, completed by a new fetch (or at once, from
     * a fetch that ended meanwhile); {@code stale} is the key a refresh replaces. The caller tells
     * by {@code mine} whether it started the fetch or waits for another request's.
     */
    private CompletableFuture<Outcome> sharedFetch(URI uri, CachedKey stale, CompletableFuture<Outcome> mine) {
        CompletableFuture<Outcome> running = inFlight.get(uri);
        if (running != null) {
            return running;
        }
        running = inFlight.putIfAbsent(uri, mine);
        if (running != null) {
            return running;
        }
        // A fetch that finished after this request found no key, but before it found none in flight,
        // has already cached its key (cached before it leaves the map): use that, not a second fetch.
        // Likewise a fetch that failed in that moment has started the back-off.
        CachedKey landed = keys.getIfPresent(uri);
        CallbackRejectedException failedMeanwhile = stale == null ? recentFailures.getIfPresent(uri) : null;
        if ((landed != null && landed != stale) || failedMeanwhile != null) {
            inFlight.remove(uri, mine);
            mine.complete(landed != null && landed != stale ? new Outcome(landed.key, null)
                    : new Outcome(null, failedMeanwhile));
            return mine;
        }
        long startedAt = clock.millis();
        CompletableFuture<PublicKey> fetch;
        try {
            fetch = fetcher.apply(uri);
        } catch (RuntimeException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        fetch.whenComplete((key, error) -> {
            // Recorded before the fetch leaves the map, so a later request finds one or the other.
            Outcome outcome = new Outcome(null, new CallbackRejectedException(
                    CallbackRejectedException.Reason.KEY_UNAVAILABLE, "key fetch from " + uri + " failed"));
            try {
                outcome = error == null ? fetched(uri, key, startedAt) : failed(uri, error, stale, startedAt);
            } finally {
                inFlight.remove(uri, mine);
                mine.complete(outcome); // whatever happened, nobody waits forever
            }
        });
        return mine;
    }

    private Outcome fetched(URI uri, PublicKey key, long startedAt) {
        Instant now = clock.instant();
        keys.put(uri, new CachedKey(key, now, refreshAfter, maxAge));
        Recent recent = this.recent;
        if (recent != null && recent.uri.equals(uri)) {
            this.recent = null; // the key just fetched is served from now on, found through the cache
        }
        listener.keyFetched(uri.toString(), Duration.ofMillis(Math.max(0, now.toEpochMilli() - startedAt)));
        return new Outcome(key, null);
    }

    private Outcome failed(URI uri, Throwable error, CachedKey stale, long startedAt) {
        KeyFetchFailure failure = KeyFetchFailure.of(uri, error);
        CallbackRejectedException rejection = failure.rejection();
        if (failure.kind() == KeyFetchFailure.Kind.NOT_ATTEMPTED) {
            return new Outcome(null, rejection); // nothing was fetched: nothing to remember or log
        }
        recentFailures.put(uri, rejection);
        Instant now = clock.instant();
        // The messages name the URL, a status, an exception class or a limit: nothing secret.
        String problem = rejection.reason().code() + ": " + rejection.getMessage();
        lastFailure = new KeyStatus.Failure(uri.toString(), now, problem);
        listener.keyFetchFailed(uri.toString(), Duration.ofMillis(Math.max(0, now.toEpochMilli() - startedAt)),
                problem);
        if (stale != null) {
            LOG.log(System.Logger.Level.WARNING, "key refresh failed ({0}); serving the key fetched at {1} until {2}: {3}",
                    rejection.reason().code(), stale.fetchedAt, stale.fetchedAt.plus(maxAge), rejection.getMessage());
        } else {
            LOG.log(System.Logger.Level.WARNING, "key fetch failed ({0}), not retried for {1} ms: {2}",
                    rejection.reason().code(), String.valueOf(failureBackoff.toMillis()), rejection.getMessage());
        }
        return new Outcome(null, rejection);
    }

    /**
     * The keys fetched and not expired, by URL with their fetch time, whether fetching is still
     * possible, and the last failed fetch.
     */
    @Override
    public KeyStatus status() {
        Map<String, Instant> fetched = new TreeMap<>();
        long now = clock.millis();
        keys.asMap().forEach((uri, cached) -> {
            if (now < cached.expiresAtMillis) {
                fetched.put(uri.toString(), cached.fetchedAt);
            }
        });
        return new KeyStatus(Set.of(), fetched, !closed, lastFailure);
    }

    /**
     * Refuses fetches from now on and stops what the fetcher started. Cached keys stay in use:
     * a genuine callback arriving while the application shuts down still verifies.
     */
    @Override
    public void close() {
        closed = true;
        closeFetcher.run();
    }

    /** A fetch's result: a key, or the rejection for the requests that waited for it. */
    private static final class Outcome {
        final PublicKey key;
        final CallbackRejectedException rejection;

        Outcome(PublicKey key, CallbackRejectedException rejection) {
            this.key = key;
            this.rejection = rejection;
        }
    }

    /** A key served, and the URI it was served for. */
    private static final class Recent {
        final URI uri;
        final CachedKey cached;

        Recent(URI uri, CachedKey cached) {
            this.uri = uri;
            this.cached = cached;
        }
    }

    /** A key and when it was fetched. */
    private static final class CachedKey {
        final PublicKey key;
        /** The key as a completed future, made once: the cached path allocates nothing per callback. */
        final CompletableFuture<PublicKey> ready;
        final Instant fetchedAt;
        final long refreshAtMillis;
        final long expiresAtMillis;

        CachedKey(PublicKey key, Instant fetchedAt, Duration refreshAfter, Duration maxAge) {
            this.key = key;
            this.ready = CompletableFuture.completedFuture(key);
            this.fetchedAt = fetchedAt;
            this.refreshAtMillis = fetchedAt.plus(refreshAfter).toEpochMilli();
            this.expiresAtMillis = fetchedAt.plus(maxAge).toEpochMilli();
        }
    }
}
