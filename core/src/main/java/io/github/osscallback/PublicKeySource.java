package io.github.osscallback;

import java.net.URI;
import java.security.PublicKey;

/** Where verification keys come from, by the (policy-checked) URI to fetch them from. */
interface PublicKeySource {

    /**
     * The key for this URI.
     *
     * @throws CallbackRejectedException with {@code KEY_UNAVAILABLE} or {@code INVALID_KEY}
     */
    PublicKey get(URI fetchUri) throws CallbackRejectedException;

    /** Where this source's keys stand now. */
    KeyStatus status();

    /** Stops what this source started (threads, HTTP client); idempotent. */
    void close();
}
