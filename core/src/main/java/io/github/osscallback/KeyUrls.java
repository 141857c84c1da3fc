package io.github.osscallback;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The one place a key URL becomes the URI its key is fetched from (and pinned under): the
 * {@link KeyUrlPolicy} decides, and key URLs it allowed in callback headers are remembered so
 * repeat callbacks skip the parse.
 */
final class KeyUrls {

    private final KeyUrlPolicy policy;
    /** Header value to trusted key URL, for allowed URLs only. */
    private final Cache<String, Trusted> trustedHeaders = Caffeine.newBuilder()
            .executor(Runnable::run) // as in CachingKeySource: no thread switch on the request path
            .maximumSize(64)
            .build();
    /** The key URL trusted last, checked before the cache; immutable, so a racing read sees it whole. */
    private volatile Trusted last;

    KeyUrls(KeyUrlPolicy policy) {
        this.policy = policy;
    }

    KeyUrlPolicy policy() {
        return policy;
    }

    /** The fetch URI for a key URL the policy allows. */
    URI fetchUri(String keyUrl) throws CallbackRejectedException {
        return policy.fetchUriFor(keyUrl);
    }

    /** As {@link #fetchUri(String)}, for configuration: a refused URL is a mistake in it. */
    URI configuredFetchUri(String keyUrl) {
        try {
            return fetchUri(keyUrl);
        } catch (CallbackRejectedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The key URL a callback's (still base64) {@code x-oss-pub-key-url} header names, if allowed. */
    Trusted fromHeader(String header) throws CallbackRejectedException {
        // OSS sends one key URL with every callback: comparing the header with the last one trusted
        // costs less than the cache lookup. The policy never changes, so what it allowed stays allowed.
        Trusted last = this.last;
        if (last != null && last.header.equals(header)) {
            return last;
        }
        Trusted known = trustedHeaders.getIfPresent(header);
        if (known == null) {
            String decoded = new String(CallbackHeaders.decodeBase64(CallbackRequest.PUB_KEY_URL, header),
                    StandardCharsets.ISO_8859_1);
            known = new Trusted(header, decoded, fetchUri(decoded));
            trustedHeaders.put(header, known);
        }
        this.last = known;
        return known;
    }

    /** A key URL the policy allowed, with the URI to fetch it from. */
    static final class Trusted {
        /** The header it came in, still base64. */
        final String header;
        final String decoded;
        final URI fetchUri;

        Trusted(String header, String decoded, URI fetchUri) {
            this.header = header;
            this.decoded = decoded;
            this.fetchUri = fetchUri;
        }
    }
}
