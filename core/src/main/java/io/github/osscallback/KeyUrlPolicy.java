package io.github.osscallback;

import io.github.osscallback.internal.LogSafe;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which public key URLs a callback may name. The key URL travels in the request itself, so this
 * policy is the whole of the origin check (docs/protocol.md in the repository, threat model):
 * URLs are parsed, never prefix-matched as strings, and must match an allowed entry exactly in
 * scheme, host and port, with a path under an allowed prefix on a segment boundary, or naming an
 * allowed key file. User info, queries, fragments, percent escapes, backslashes, empty and dot
 * segments are refused outright.
 *
 * <p>The default, {@link #ossDefault()}, allows only OSS's key files,
 * {@code https://gosspublic.alicdn.com/callback_pub_key_v1.pem} and the same name with a later
 * version number ({@code _v2.pem}, ...), so a key rotation by OSS keeps working; it also accepts
 * the {@code http://} form that OSS sends, fetching it over https. Any other path on the key host
 * is refused: each fresh path would otherwise cost a fetch.
 */
public final class KeyUrlPolicy {

    /** The host that serves OSS's callback signing keys. */
    public static final String OSS_KEY_HOST = "gosspublic.alicdn.com";

    /**
     * OSS's key files: {@code callback_pub_key_v1.pem} and its later versions on {@link #OSS_KEY_HOST},
     * as a pattern for {@link Builder#allowKeyFileVersionsAcceptingHttp(String)}.
     */
    public static final String OSS_KEY_FILES = "https://" + OSS_KEY_HOST + "/callback_pub_key_v"
            + Builder.VERSION + ".pem";

    static final int MAX_KEY_URL_LENGTH = 2048;
    /** Versions 1 to 999: enough for any rotation, few enough that guessing them costs little. */
    static final int MAX_VERSION_DIGITS = 3;

    private static final KeyUrlPolicy OSS_DEFAULT = builder().allowOssKeyFiles().build();

    private final List<Allowed> allowed;

    private KeyUrlPolicy(List<Allowed> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    /**
     * OSS's own key files ({@link #OSS_KEY_FILES}) over https; the {@code http://} URLs OSS sends
     * are fetched over https.
     */
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

    /** The allowed prefixes and key-file patterns, as configured. */
    public List<String> allowedUrls() {
        List<String> out = new ArrayList<>();
        for (Allowed a : allowed) {
            out.add(a.text);
        }
        return out;
    }

    /** Checks the key URL and returns the URI to fetch it from (http upgraded where configured). */
    URI fetchUriFor(String keyUrl) throws CallbackRejectedException {
        ParsedUrl url = ParsedUrl.parse(keyUrl);
        for (Allowed a : allowed) {
            URI fetch = a.match(url);
            if (fetch != null) {
                return fetch;
            }
        }
        throw untrusted(keyUrl, "matches none of the allowed " + allowedUrls());
    }

    @Override
    public String toString() {
        return "KeyUrlPolicy" + allowedUrls();
    }

    static CallbackRejectedException untrusted(String keyUrl, String why) {
        return new CallbackRejectedException(CallbackRejectedException.Reason.UNTRUSTED_KEY_URL,
                "key URL '" + LogSafe.text(keyUrl) + "' " + why);
    }

    /** Builds a {@link KeyUrlPolicy}; at least one prefix or key file is required. */
    public static final class Builder {
        /** Marks the version number in a key-file pattern. */
        public static final String VERSION = "{version}";

        private final List<Allowed> allowed = new ArrayList<>();

        private Builder() {
        }

        /**
         * Allows key URLs under this prefix, in exactly its scheme. A prefix ending in {@code /}
         * allows any path below it; otherwise it names one key file.
         *
         * @throws IllegalArgumentException if the prefix is not a plain http(s) URL
         */
        public Builder allowPrefix(String prefix) {
            add(Allowed.prefix(prefix, false));
            return this;
        }

        /**
         * Allows key URLs under this https prefix, and the same URLs written with {@code http://}
         * (as OSS sends them), which are then fetched over https.
         */
        public Builder allowPrefixAcceptingHttp(String httpsPrefix) {
            add(requireHttps("allowPrefixAcceptingHttp", Allowed.prefix(httpsPrefix, true)));
            return this;
        }

        /**
         * Allows every version of one key file, in exactly the pattern's scheme. The pattern is a
         * URL whose last path segment holds {@value #VERSION} once, e.g.
         * {@code https://keys.example/signing_key_v{version}.pem}; it matches a version of one to
         * three decimal digits without leading zeros ({@code _v1.pem} to {@code _v999.pem}), and
         * nothing else: not {@code _v01.pem}, not {@code _v1.pem.bak}, no other path.
         *
         * @throws IllegalArgumentException if the pattern is not a plain http(s) URL with one
         *         {@value #VERSION} in its last path segment
         */
        public Builder allowKeyFileVersions(String pattern) {
            add(Allowed.keyFileVersions(pattern, false));
            return this;
        }

        /**
         * As {@link #allowKeyFileVersions(String)} for an https pattern, also accepting the same
         * URLs written with {@code http://}, which are then fetched over https.
         */
        public Builder allowKeyFileVersionsAcceptingHttp(String httpsPattern) {
            add(requireHttps("allowKeyFileVersionsAcceptingHttp", Allowed.keyFileVersions(httpsPattern, true)));
            return this;
        }

        /** Allows OSS's key files, {@link #OSS_KEY_FILES}, also in the {@code http://} form OSS sends. */
        public Builder allowOssKeyFiles() {
            return allowKeyFileVersionsAcceptingHttp(OSS_KEY_FILES);
        }

        /**
         * Each prefix or pattern may be named once, as every builder option may be set once: the
         * same URL twice (perhaps once accepting http, once not) is a mistake in the configuration.
         */
        private void add(Allowed entry) {
            for (Allowed existing : allowed) {
                if (existing.text.equals(entry.text)) {
                    throw new IllegalStateException(entry.text + " is already allowed");
                }
            }
            allowed.add(entry);
        }

        private static Allowed requireHttps(String method, Allowed entry) {
            if (!entry.scheme.equals("https")) {
                throw new IllegalArgumentException(method + " needs an https URL, got " + entry.text);
            }
            return entry;
        }

        /** The immutable policy. */
        public KeyUrlPolicy build() {
            if (allowed.isEmpty()) {
                throw new IllegalStateException("a KeyUrlPolicy needs at least one allowed prefix or key file");
            }
            return new KeyUrlPolicy(allowed);
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

    /** One allowed prefix or versioned key file, pre-parsed. */
    static final class Allowed {
        final String text;
        final String scheme;
        final String host;
        final int port;
        /** For a prefix, the whole path; for a key file, the path before the version. */
        final String path;
        /** For a key file, the path after the version; null for a prefix. */
        final String versionSuffix;
        final boolean acceptHttp;

        private Allowed(String text, ParsedUrl parsed, String path, String versionSuffix, boolean acceptHttp) {
            this.text = text;
            this.scheme = parsed.scheme;
            this.host = parsed.host;
            this.port = parsed.port;
            this.path = path;
            this.versionSuffix = versionSuffix;
            this.acceptHttp = acceptHttp;
        }

        static Allowed prefix(String prefix, boolean acceptHttp) {
            Objects.requireNonNull(prefix, "prefix");
            ParsedUrl parsed = parseConfigured(prefix, prefix);
            return new Allowed(prefix, parsed, parsed.path, null, acceptHttp);
        }

        static Allowed keyFileVersions(String pattern, boolean acceptHttp) {
            Objects.requireNonNull(pattern, "pattern");
            int at = pattern.indexOf(Builder.VERSION);
            if (at < 0 || pattern.indexOf(Builder.VERSION, at + 1) >= 0) {
                throw new IllegalArgumentException("key-file pattern must hold " + Builder.VERSION
                        + " exactly once, got " + pattern);
            }
            String after = pattern.substring(at + Builder.VERSION.length());
            // Checked as the URL of version 1: the version digits then need no further scrutiny.
            ParsedUrl parsed = parseConfigured(pattern, pattern.substring(0, at) + "1" + after);
            String path = parsed.path;
            int slash = path.lastIndexOf('/');
            int versionAt = path.length() - after.length() - 1;
            if (after.indexOf('/') >= 0 || versionAt <= slash || !path.endsWith("1" + after)) {
                throw new IllegalArgumentException("key-file pattern must hold " + Builder.VERSION
                        + " in its last path segment, got " + pattern);
            }
            return new Allowed(pattern, parsed, path.substring(0, versionAt), after, acceptHttp);
        }

        private static ParsedUrl parseConfigured(String text, String url) {
            try {
                return ParsedUrl.parse(url);
            } catch (CallbackRejectedException e) {
                throw new IllegalArgumentException("not a usable key URL pattern '" + text + "': " + e.getMessage(), e);
            }
        }

        /** The URI to fetch if {@code url} is allowed by this entry, else null. */
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
            if (versionSuffix != null) {
                return candidate.startsWith(path) && candidate.endsWith(versionSuffix)
                        && isVersion(candidate, path.length(), candidate.length() - versionSuffix.length());
            }
            if (path.endsWith("/")) {
                return candidate.startsWith(path) && candidate.length() > path.length();
            }
            return candidate.equals(path);
        }

        /** Whether {@code s[from, to)} is 1 to {@value #MAX_VERSION_DIGITS} ASCII digits, not starting with 0. */
        private static boolean isVersion(String s, int from, int to) {
            int length = to - from;
            if (length < 1 || length > MAX_VERSION_DIGITS || s.charAt(from) == '0') {
                return false;
            }
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            return true;
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
