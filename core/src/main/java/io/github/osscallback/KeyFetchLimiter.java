package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.KEY_UNAVAILABLE;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.Function;

/**
 * Bounds outbound key fetches: at most a few run at once, and a key host that failed (no answer
 * in time, unreachable, 5xx) is not contacted again, for any path, until its back-off ends. A
 * fetch over either bound is refused at once, never queued: a request thread waiting for a permit
 * would be held as long as the slowest fetch, which is what a flood of fresh key URLs on a hanging
 * host is after.
 */
final class KeyFetchLimiter implements Function<URI, CompletableFuture<PublicKey>> {

    static final int MAX_TRACKED_HOSTS = 64;

    private final Function<URI, CompletableFuture<PublicKey>> fetcher;
    private final int maxConcurrent;
    private final Semaphore permits;
    private final Clock clock;
    private final Duration hostBackoff;
    /** Key host (scheme, host, port) to the end of its back-off. */
    private final Cache<String, Instant> failedHosts;

    KeyFetchLimiter(Function<URI, CompletableFuture<PublicKey>> fetcher, int maxConcurrent, Clock clock,
                    Duration hostBackoff) {
        this.fetcher = fetcher;
        this.maxConcurrent = maxConcurrent;
        this.permits = new Semaphore(maxConcurrent);
        this.clock = clock;
        this.hostBackoff = hostBackoff;
        this.failedHosts = Caffeine.newBuilder()
                .executor(Runnable::run) // as in CachingKeySource: no thread switch on the request path
                .ticker(new ClockTicker(clock))
                .maximumSize(MAX_TRACKED_HOSTS)
                .expireAfterWrite(hostBackoff)
                .build();
    }

    @Override
    public CompletableFuture<PublicKey> apply(URI uri) {
        String host = hostOf(uri);
        Instant until = failedHosts.getIfPresent(host);
        if (until != null && clock.instant().isBefore(until)) {
            return notAttempted("key host " + host + " failed recently and is not contacted again until " + until
                    + "; no fetch for " + uri);
        }
        if (!permits.tryAcquire()) {
            return notAttempted(maxConcurrent + " key fetches are already running; " + uri
                    + " is not fetched now (maxConcurrentKeyFetches)");
        }
        CompletableFuture<PublicKey> fetch;
        try {
            fetch = fetcher.apply(uri);
        } catch (RuntimeException e) {
            fetch = CompletableFuture.failedFuture(e);
        }
        return fetch.whenComplete((key, error) -> {
            // The back-off is in place before the permit frees, so no fetch slips in between.
            if (error != null && KeyFetchFailure.of(uri, error).kind() == KeyFetchFailure.Kind.HOST_FAILED) {
                failedHosts.put(host, clock.instant().plus(hostBackoff));
            }
            permits.release();
        });
    }

    private static String hostOf(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    private static CompletableFuture<PublicKey> notAttempted(String why) {
        return CompletableFuture.failedFuture(new KeyFetchFailure(KeyFetchFailure.Kind.NOT_ATTEMPTED,
                new CallbackRejectedException(KEY_UNAVAILABLE, why)));
    }
}
