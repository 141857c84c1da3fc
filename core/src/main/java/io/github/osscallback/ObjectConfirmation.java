package io.github.osscallback;

import io.github.osscallback.internal.LogSafe;
import io.github.osscallback.internal.Once;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * How a {@link CallbackVerifier} confirms a callback with OSS itself
 * ({@link CallbackVerifier.Builder#confirmWithOss}): after the signature, upload-token and replay
 * checks, a signed {@code HeadObject} for the callback's bucket and object, and the callback is
 * accepted only if the object exists and its size, ETag and content type are what the callback's
 * {@code ${size}}, {@code ${etag}} and {@code ${mimeType}} fields say (those it has). Otherwise
 * 403 {@code object_not_confirmed}; 503 {@code oss_unavailable} when OSS does not answer in
 * time, fails, or too many checks already run. Only the buckets named here are ever asked about:
 * a callback naming another is refused (403 {@code bucket_not_allowed}) without a request.
 *
 * <pre>{@code
 * ObjectConfirmation confirm = ObjectConfirmation.builder()
 *         .credentials(() -> sts.current())        // or credentialsFromEnvironment()
 *         .region("cn-hangzhou")
 *         .buckets("photos")
 *         .build();
 * CallbackVerifier verifier = CallbackVerifier.builder().confirmWithOss(confirm).build();
 * }</pre>
 *
 * <p>An immutable configuration: the HTTP client and threads are the verifier's, started at its
 * first check and stopped by {@link CallbackVerifier#close()}. docs/protocol.md, "Confirming with
 * OSS", says what the check proves and what it costs.
 */
public final class ObjectConfirmation {

    /** The whole check, connect to answer; OSS gives the callback 5 s, and the rest needs room too. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(1500);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofMillis(1000);
    /** Checks running at once; one more is refused at once (503 {@code oss_unavailable}), never queued. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 16;
    /** The environment variables {@link Builder#credentialsFromEnvironment()} reads, as the OSS SDKs do. */
    public static final String ACCESS_KEY_ID_VARIABLE = "OSS_ACCESS_KEY_ID";
    public static final String ACCESS_KEY_SECRET_VARIABLE = "OSS_ACCESS_KEY_SECRET";
    public static final String SESSION_TOKEN_VARIABLE = "OSS_SESSION_TOKEN";

    static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");

    private final Supplier<OssCredentials> credentials;
    private final String credentialsDescription;
    private final String region;
    private final URI endpoint;
    private final boolean pathStyle;
    private final Set<String> buckets;
    private final Duration timeout;
    private final Duration connectTimeout;
    private final int maxConcurrentRequests;

    private ObjectConfirmation(Builder b, URI endpoint) {
        this.credentials = b.credentials;
        this.credentialsDescription = b.credentialsDescription;
        this.region = b.region;
        this.endpoint = endpoint;
        this.pathStyle = isIpLiteral(endpoint.getHost());
        this.buckets = Collections.unmodifiableSet(new TreeSet<>(b.buckets));
        this.timeout = b.timeout;
        this.connectTimeout = b.connectTimeout;
        this.maxConcurrentRequests = b.maxConcurrentRequests;
    }

    /** Starts a configuration: credentials, a region and the buckets are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The buckets whose objects may be confirmed; callbacks naming others are refused. */
    public Set<String> buckets() {
        return buckets;
    }

    /** The region, part of every signature. */
    public String region() {
        return region;
    }

    /** The endpoint asked, e.g. {@code https://oss-cn-hangzhou.aliyuncs.com}; buckets are its subdomains. */
    public URI endpoint() {
        return endpoint;
    }

    /** The bound on one check, connect to answer. */
    public Duration timeout() {
        return timeout;
    }

    /** The connect timeout, at most {@link #timeout()}. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Checks that may run at once. */
    public int maxConcurrentRequests() {
        return maxConcurrentRequests;
    }

    Supplier<OssCredentials> credentials() {
        return credentials;
    }

    /**
     * The URL of an object: virtual-hosted, {@code https://<bucket>.<endpoint host>/<key>}, as OSS
     * wants; path-style, {@code http://127.0.0.1:port/<bucket>/<key>}, for an endpoint given as an
     * IP address, as the Java SDK does (a stand-in on loopback has no DNS names).
     */
    URI objectUri(String bucket, String key) {
        String encodedKey = V4RequestSignature.encode(key, true);
        String port = endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort();
        return pathStyle
                ? URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + "/" + bucket + "/" + encodedKey)
                : URI.create(endpoint.getScheme() + "://" + bucket + "." + endpoint.getHost() + port + "/" + encodedKey);
    }

    @Override
    public String toString() {
        // The credentials are described by where they come from, never by what they are.
        return "ObjectConfirmation[" + endpoint + ", region " + region + ", buckets " + buckets + ", credentials "
                + credentialsDescription + ", timeout " + timeout.toMillis() + " ms, max " + maxConcurrentRequests + "]";
    }

    private static boolean isIpLiteral(String host) {
        return host.startsWith("[") || host.matches("[0-9.]+");
    }

    /** Configures an {@link ObjectConfirmation}; each option may be set once. */
    public static final class Builder {
        private final Once once = new Once();
        private Supplier<OssCredentials> credentials;
        private String credentialsDescription;
        private String region;
        private boolean internal;
        private URI endpoint;
        private final Set<String> buckets = new LinkedHashSet<>();
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration connectTimeout;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;

        private Builder() {
        }

        /** Fixed credentials: an AccessKey pair, or STS credentials used until they expire. */
        public Builder credentials(OssCredentials credentials) {
            Objects.requireNonNull(credentials, "credentials");
            return credentials(() -> credentials, credentials.isTemporary() ? "fixed sts" : "fixed");
        }

        /**
         * Credentials asked for at every check, so STS credentials can rotate: return the current
         * ones (cached by you, refreshed in the background: this runs on the request thread, and its
         * time counts against {@link #timeout}). A provider that throws or returns null fails the
         * check with 503 {@code oss_unavailable}.
         */
        public Builder credentials(Supplier<OssCredentials> provider) {
            return credentials(Objects.requireNonNull(provider, "provider"), "from a provider");
        }

        /**
         * Credentials from the environment variables {@value #ACCESS_KEY_ID_VARIABLE},
         * {@value #ACCESS_KEY_SECRET_VARIABLE} and, for STS, {@value #SESSION_TOKEN_VARIABLE}, read
         * now; the way to keep secrets out of settings that may be logged.
         *
         * @throws IllegalArgumentException naming the variables (never their values) if the first two are not set
         */
        public Builder credentialsFromEnvironment() {
            return credentialsFromEnvironment(System.getenv());
        }

        /** As {@link #credentialsFromEnvironment()}, from the given variables (a container's environment, a test's). */
        public Builder credentialsFromEnvironment(Map<String, String> environment) {
            OssCredentials fromEnvironment = fromEnvironment(environment::get);
            return credentials(() -> fromEnvironment, "from " + ACCESS_KEY_ID_VARIABLE + ", "
                    + ACCESS_KEY_SECRET_VARIABLE + (fromEnvironment.isTemporary() ? ", " + SESSION_TOKEN_VARIABLE : ""));
        }

        private Builder credentials(Supplier<OssCredentials> provider, String description) {
            once.mark("credentials");
            this.credentials = provider;
            this.credentialsDescription = description;
            return this;
        }

        /** The region of the buckets, e.g. {@code cn-hangzhou}: the endpoint's and every signature's. */
        public Builder region(String region) {
            once.mark("region");
            Objects.requireNonNull(region, "region");
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region must be lower-case words of a-z and 0-9 joined by '-', e.g."
                        + " cn-hangzhou; got '" + LogSafe.text(region) + "'");
            }
            this.region = region;
            return this;
        }

        /**
         * Whether to ask the region's internal endpoint, {@code oss-<region>-internal.aliyuncs.com},
         * reachable from ECS in the same region without public traffic; default false.
         */
        public Builder internalEndpoint(boolean internal) {
            once.mark("internalEndpoint");
            this.internal = internal;
            return this;
        }

        /**
         * An endpoint of your own instead of the region's: {@code https://} and a host (buckets
         * become its subdomains), or {@code http://} to a loopback IP address, for tests (buckets
         * then go in the path).
         */
        public Builder endpoint(URI endpoint) {
            once.mark("endpoint");
            Objects.requireNonNull(endpoint, "endpoint");
            String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            String host = endpoint.getHost();
            if (host == null || endpoint.getRawUserInfo() != null || endpoint.getRawQuery() != null
                    || endpoint.getRawFragment() != null || !(endpoint.getRawPath() == null
                    || endpoint.getRawPath().isEmpty() || endpoint.getRawPath().equals("/"))) {
                throw new IllegalArgumentException("endpoint must be scheme://host[:port] with nothing else, got '"
                        + LogSafe.text(endpoint.toString()) + "'");
            }
            boolean https = scheme.equals("https");
            if (!https && !(scheme.equals("http") && isLoopbackLiteral(host))) {
                throw new IllegalArgumentException("endpoint must be https (http only to a loopback IP address, for"
                        + " tests), got '" + LogSafe.text(endpoint.toString()) + "'");
            }
            this.endpoint = URI.create(scheme + "://" + endpoint.getRawAuthority());
            return this;
        }

        /** The buckets whose objects may be confirmed (at least one); a callback naming another is refused. */
        public Builder buckets(String... names) {
            once.mark("buckets");
            for (String name : names) {
                Objects.requireNonNull(name, "bucket");
                if (!BUCKET.matcher(name).matches()) {
                    throw new IllegalArgumentException("bucket name must be 3 to 63 characters of a-z, 0-9 and '-',"
                            + " starting and ending with a letter or digit; got '" + LogSafe.text(name) + "'");
                }
                buckets.add(name);
            }
            return this;
        }

        /**
         * The bound on one check, connect to answer; default 1.5 s. OSS waits 5 s for the whole
         * callback, key and replay store included, and does not retry: past the bound the
         * callback is refused with 503 {@code oss_unavailable}.
         */
        public Builder timeout(Duration timeout) {
            once.mark("timeout");
            this.timeout = positive("timeout", timeout);
            return this;
        }

        /** The connect timeout; default 1 s, or the {@link #timeout} if that is shorter. */
        public Builder connectTimeout(Duration timeout) {
            once.mark("connectTimeout");
            this.connectTimeout = positive("connectTimeout", timeout);
            return this;
        }

        /**
         * Checks that may run at once; default {@value #DEFAULT_MAX_CONCURRENT_REQUESTS}. One more
         * is refused at once (503 {@code oss_unavailable}) rather than holding a request thread
         * while OSS is slow.
         */
        public Builder maxConcurrentRequests(int max) {
            once.mark("maxConcurrentRequests");
            if (max < 1) {
                throw new IllegalArgumentException("maxConcurrentRequests must be at least 1, got " + max);
            }
            this.maxConcurrentRequests = max;
            return this;
        }

        /**
         * The configuration.
         *
         * @throws IllegalStateException if credentials, the region or the buckets are missing, or
         *     options contradict each other
         */
        public ObjectConfirmation build() {
            if (credentials == null) {
                throw new IllegalStateException("confirming with OSS needs credentials (credentials(...) or"
                        + " credentialsFromEnvironment())");
            }
            if (region == null) {
                throw new IllegalStateException("confirming with OSS needs the buckets' region");
            }
            if (buckets.isEmpty()) {
                throw new IllegalStateException("confirming with OSS needs at least one bucket: only configured buckets"
                        + " are asked about, or anyone's public bucket could confirm a forged callback");
            }
            if (endpoint != null && internal) {
                throw new IllegalStateException("set either endpoint or internalEndpoint(true), not both");
            }
            if (connectTimeout == null) {
                connectTimeout = DEFAULT_CONNECT_TIMEOUT.compareTo(timeout) < 0 ? DEFAULT_CONNECT_TIMEOUT : timeout;
            } else if (connectTimeout.compareTo(timeout) > 0) {
                throw new IllegalStateException("connectTimeout (" + connectTimeout.toMillis() + " ms) must not exceed"
                        + " timeout (" + timeout.toMillis() + " ms)");
            }
            URI chosen = endpoint != null ? endpoint
                    : URI.create("https://oss-" + region + (internal ? "-internal" : "") + ".aliyuncs.com");
            return new ObjectConfirmation(this, chosen);
        }

        private static Duration positive(String option, Duration value) {
            Objects.requireNonNull(value, option);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(option + " must be positive, got " + value);
            }
            return value;
        }
    }

    /** Credentials from environment variables; errors name the variables and never a value. */
    static OssCredentials fromEnvironment(Function<String, String> environment) {
        String id = environment.apply(ACCESS_KEY_ID_VARIABLE);
        String secret = environment.apply(ACCESS_KEY_SECRET_VARIABLE);
        String token = environment.apply(SESSION_TOKEN_VARIABLE);
        if (id == null || id.isEmpty() || secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("confirming with OSS needs credentials in the environment variables "
                    + ACCESS_KEY_ID_VARIABLE + " and " + ACCESS_KEY_SECRET_VARIABLE + " (and " + SESSION_TOKEN_VARIABLE
                    + " for STS)");
        }
        try {
            return token == null || token.isEmpty() ? OssCredentials.of(id, secret) : OssCredentials.sts(id, secret, token);
        } catch (IllegalArgumentException e) {
            // OssCredentials' messages quote nothing; say which variables to look at.
            throw new IllegalArgumentException("the credentials in " + ACCESS_KEY_ID_VARIABLE + ", "
                    + ACCESS_KEY_SECRET_VARIABLE + " or " + SESSION_TOKEN_VARIABLE + " are not usable: " + e.getMessage());
        }
    }

    private static boolean isLoopbackLiteral(String host) {
        if (!isIpLiteral(host)) {
            return false;
        }
        try {
            // An IP literal: no lookup happens.
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
