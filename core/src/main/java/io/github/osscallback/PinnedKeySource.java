package io.github.osscallback;

import java.net.URI;
import java.security.PublicKey;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Keys known ahead of time, by fetch URI; anything else goes to the fallback, if there is one. */
final class PinnedKeySource implements PublicKeySource {

    /**
     * Completed once, here: a pinned key is answered with the same future every time, so the hot
     * path allocates nothing for it. Callers only attach stages to it, never complete it.
     */
    private final Map<URI, CompletableFuture<PublicKey>> pinned;
    private final PublicKeySource fallback;
    private final Set<String> pinnedUrls;

    PinnedKeySource(Map<URI, PublicKey> pinned, PublicKeySource fallback) {
        Map<URI, CompletableFuture<PublicKey>> done = new java.util.HashMap<>();
        pinned.forEach((uri, key) -> done.put(uri, CompletableFuture.completedFuture(key)));
        this.pinned = Map.copyOf(done);
        this.fallback = fallback;
        this.pinnedUrls = pinned.keySet().stream().map(URI::toString).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public KeyStatus status() {
        return fallback == null ? new KeyStatus(pinnedUrls, Map.of(), false, null)
                : fallback.status().withPinned(pinnedUrls);
    }

    @Override
    public void close() {
        if (fallback != null) {
            fallback.close();
        }
    }

    @Override
    public CompletableFuture<PublicKey> get(URI fetchUri) {
        CompletableFuture<PublicKey> key = pinned.get(fetchUri);
        if (key != null) {
            return key;
        }
        if (fallback == null) {
            return CompletableFuture.failedFuture(new CallbackRejectedException(
                    CallbackRejectedException.Reason.KEY_UNAVAILABLE,
                    "no pinned key for " + fetchUri + " and remote key fetching is off"));
        }
        return fallback.get(fetchUri);
    }
}
