package io.github.osscallback;

import java.net.URI;
import java.security.PublicKey;
import java.util.concurrent.CompletableFuture;

/** Where verification keys come from, by the (policy-checked) URI to fetch them from. */
interface PublicKeySource {

    /**
     * The key for this URI, as a future that never blocks the caller: a pinned or cached key is
     * already complete, a fetch completes it on the fetcher's threads.
     *
     * @return a future failing with {@link CallbackRejectedException} ({@code KEY_UNAVAILABLE} or
     *     {@code INVALID_KEY}) wrapped as a {@link java.util.concurrent.CompletionException}
     */
    CompletableFuture<PublicKey> get(URI fetchUri);

    /** Where this source's keys stand now. */
    KeyStatus status();

    /** Stops what this source started (threads, HTTP client); idempotent. */
    void close();
}
