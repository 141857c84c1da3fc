package io.github.osscallback;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which public key URLs a callback may name. The key URL travels in the request itself, so this
 * policy is the whole of the origin check (docs/protocol.md in the repository, threat model): URLs are parsed, never
 * prefix-matched as strings, and must match an allowed prefix exactly in scheme, host and port,
 * with a path under the prefix on a segment boundary. User info, queries, fragments, percent
 * escapes, backslashes, empty and dot segments are refused outright.
 *
 * <p>The default, {@link #ossDefault()}, allows only {@code https://gosspublic.alicdn.com/} and
 * also accepts the {@code http://} form that OSS sends, fetching it over https.
 */
public final class KeyUrlPolicy {

    /** The host that serves OSS's callback signing keys. */
    public static final String OSS_KEY_HOST = "gosspublic.alicdn.com";

    static final int MAX_KEY_URL_LENGTH = 2048;

    private static final KeyUrlPolicy OSS_DEFAULT = builder()
            .allowPrefixAcceptingHttp("https://" + OSS_KEY_HOST + "/")
            .build();

    private final List<AllowedPrefix> prefixes;

    private KeyUrlPolicy(List<AllowedPrefix> prefixes) {
        this.prefixes = List.copyOf(prefixes);
    }

    /** OSS's own key host over https; the {@code http://} URLs OSS sends are fetched over https. */
    public static KeyUrlPolicy ossDefault() {
        return OSS_DEFAULT;
    }

    /** A policy of one's own, for instance a loopback key server in tests. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether a decoded key URL is allowed, without fetching anything. */
    public boolean allows(String keyUrl) {
        try {
            fetchUriFor(keyUrl);
            return true;
        } catch (CallbackRejectedException e) {
            return false;
        }
    }

    /** The allowed prefixes, as configured. */
    public List<String> allowedPrefixes() {
        List<String> out = new ArrayList<>();
        for (AllowedPrefix p : prefixes) {
            out.add(p.text);
        }
        return out;
    }

    /** Checks the key URL and returns the URI to fetch it from (http upgraded where configured). */
    URI fetchUriFor(String keyUrl) throws CallbackRejectedException {
        ParsedUrl url = ParsedUrl.parse(keyUrl);
        for (AllowedPrefix prefix : prefixes) {
            URI fetch = prefix.match(url);
            if (fetch != null) {
                return fetch;
            }
        }
        throw untrusted(keyUrl, "matches no allowed prefix " + allowedPrefixes());
    }

    @Override
    public String toString() {
        return "KeyUrlPolicy" + allowedPrefixes();
    }

    static CallbackRejectedException untrusted(String keyUrl, String why) {
        return new CallbackRejectedException(CallbackRejectedException.Reason.UNTRUSTED_KEY_URL,
                "key URL '" + LogSafe.text(keyUrl) + "' " + why);
    }

    /** Builds a {@link KeyUrlPolicy}; at least one prefix is required. */
    public static final class Builder {
        private final List<AllowedPrefix> prefixes = new ArrayList<>();

        private Builder() {
        }

        /**
         * Allows key URLs under this prefix, in exactly its scheme. A prefix ending in {@code /}
         * allows any path below it; otherwise it names one key file.
         *
         * @throws IllegalArgumentException if the prefix is not a plain http(s) URL
         */
        public Builder allowPrefix(String prefix) {
            prefixes.add(AllowedPrefix.of(prefix, false));
            return this;
        }

        /**
         * Allows key URLs under this https prefix, and the same URLs written with {@code http://}
         * (as OSS sends them), which are then fetched over https.
         */
        public Builder allowPrefixAcceptingHttp(String httpsPrefix) {
            AllowedPrefix p = AllowedPrefix.of(httpsPrefix, true);
            if (!p.scheme.equals("https")) {
                throw new IllegalArgumentException("allowPrefixAcceptingHttp needs an https prefix, got " + httpsPrefix);
            }
            prefixes.add(p);
            return this;
        }

        /** The immutable policy. */
        public KeyUrlPolicy build() {
            if (prefixes.isEmpty()) {
                throw new IllegalStateException("a KeyUrlPolicy needs at least one allowed prefix");
            }
            return new KeyUrlPolicy(prefixes);
        }
    }

    /** A key URL broken into the parts the policy compares, after the structural checks. */
    static final class ParsedUrl {
        final String scheme;
        final String host;
        final int port;
        final boolean explicitPort;
        final String path;

        private ParsedUrl(String scheme, String host, int port, boolean explicitPort, String path) {
            this.scheme = scheme;
            this.host = host;
            this.port = port;
            this.explicitPort = explicitPort;
            this.path = path;
        }

        static ParsedUrl parse(String url) throws CallbackRejectedException {
            if (url == null || url.isEmpty()) {
                throw untrusted("", "is empty");
            }
            if (url.length() > MAX_KEY_URL_LENGTH) {
                throw untrusted(url, "is " + url.length() + " characters long; at most " + MAX_KEY_URL_LENGTH + " are allowed");
            }
            for (int i = 0; i < url.length(); i++) {
                char c = url.charAt(i);
                if (c <= 0x20 || c >= 0x7f) {
                    throw untrusted(url, "contains a control, space or non-ASCII character at index " + i);
                }
                if (c == '\\' || c == '%' || c == '?' || c == '#' || c == '@' || c == ';') {
                    throw untrusted(url, "contains '" + c + "', which no key URL needs");
                }
            }
            URI uri;
            try {
                uri = new URI(url);
            } catch (URISyntaxException e) {
                throw untrusted(url, "is not a valid URI: " + e.getReason());
            }
            if (!uri.isAbsolute() || uri.isOpaque()) {
                throw untrusted(url, "is not an absolute hierarchical URL");
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("https") && !scheme.equals("http")) {
                throw untrusted(url, "has scheme '" + scheme + "'; only http and https are possible");
            }
            if (uri.getRawUserInfo() != null) {
                throw untrusted(url, "has user info");
            }
            String host = uri.getHost();
            if (host == null || host.isEmpty()) {
                throw untrusted(url, "has no host name");
            }
            String path = uri.getRawPath();
            if (path == null || !path.startsWith("/")) {
                throw untrusted(url, "has no absolute path");
            }
            String[] segments = path.substring(1).split("/", -1);
            for (int i = 0; i < segments.length; i++) {
                String segment = segments[i];
                if (segment.equals(".") || segment.equals("..")) {
                    throw untrusted(url, "has a dot segment in its path");
                }
                if (segment.isEmpty() && i < segments.length - 1) {
                    throw untrusted(url, "has an empty segment in its path");
                }
            }
            boolean explicitPort = uri.getPort() != -1;
            int port = explicitPort ? uri.getPort() : defaultPort(scheme);
            return new ParsedUrl(scheme, host.toLowerCase(Locale.ROOT), port, explicitPort, path);
        }
    }

    static int defaultPort(String scheme) {
        return scheme.equals("https") ? 443 : 80;
    }

    /** One allowed prefix, pre-parsed. */
    static final class AllowedPrefix {
        final String text;
        final String scheme;
        final String host;
        final int port;
        final String path;
        final boolean acceptHttp;

        private AllowedPrefix(String text, ParsedUrl parsed, boolean acceptHttp) {
            this.text = text;
            this.scheme = parsed.scheme;
            this.host = parsed.host;
            this.port = parsed.port;
            this.path = parsed.path;
            this.acceptHttp = acceptHttp;
        }

        static AllowedPrefix of(String prefix, boolean acceptHttp) {
            Objects.requireNonNull(prefix, "prefix");
            try {
                return new AllowedPrefix(prefix, ParsedUrl.parse(prefix), acceptHttp);
            } catch (CallbackRejectedException e) {
                throw new IllegalArgumentException("not a usable key URL prefix: " + e.getMessage(), e);
            }
        }

        /** The URI to fetch if {@code url} falls under this prefix, else null. */
        URI match(ParsedUrl url) {
            if (!url.host.equals(host) || !pathMatches(url.path)) {
                return null;
            }
            if (url.scheme.equals(scheme) && url.port == port) {
                return toUri(scheme, url.path);
            }
            boolean upgradable = acceptHttp && url.scheme.equals("http")
                    && (!url.explicitPort || url.port == 80);
            return upgradable ? toUri(scheme, url.path) : null;
        }

        private boolean pathMatches(String candidate) {
            if (path.endsWith("/")) {
                return candidate.startsWith(path) && candidate.length() > path.length();
            }
            return candidate.equals(path);
        }

        private URI toUri(String fetchScheme, String fetchPath) {
            int fetchPort = port == defaultPort(fetchScheme) ? -1 : port;
            try {
                return new URI(fetchScheme, null, host, fetchPort, fetchPath, null, null);
            } catch (URISyntaxException e) {
                throw new IllegalStateException("a checked URL failed to rebuild", e);
            }
        }
    }
}
