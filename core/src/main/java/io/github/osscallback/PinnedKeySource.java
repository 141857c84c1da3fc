package io.github.osscallback;

import java.net.URI;
import java.security.PublicKey;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Keys known ahead of time, by fetch URI; anything else goes to the fallback, if there is one. */
final class PinnedKeySource implements PublicKeySource {

    private final Map<URI, PublicKey> pinned;
    private final PublicKeySource fallback;
    private final Set<String> pinnedUrls;

    PinnedKeySource(Map<URI, PublicKey> pinned, PublicKeySource fallback) {
        this.pinned = Map.copyOf(pinned);
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
    public PublicKey get(URI fetchUri) throws CallbackRejectedException {
        PublicKey key = pinned.get(fetchUri);
        if (key != null) {
            return key;
        }
        if (fallback == null) {
            throw new CallbackRejectedException(CallbackRejectedException.Reason.KEY_UNAVAILABLE,
                    "no pinned key for " + fetchUri + " and remote key fetching is off");
        }
        return fallback.get(fetchUri);
    }
}
