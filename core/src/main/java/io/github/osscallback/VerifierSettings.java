package io.github.osscallback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The string settings shared by every adapter (servlet init-params, JAX-RS configuration
 * properties), in the spirit of Caffeine's {@code CaffeineSpec}. The names are {@link #NAMES};
 * what each takes and which {@link CallbackVerifier.Builder} option it sets are in the
 * configuration table of the project's documentation (README, Configuration). Inside, one table
 * ({@code Setting}) drives parsing, the error messages and {@link #NAMES}, and a test holds the
 * documentation's table to it. Errors about {@code uploadTokenKeys} never quote its value.
 */
public final class VerifierSettings {

    /** One setting: its name, the value it takes, and how it configures the builder. */
    enum Setting {
        KEY_URL_PREFIXES("keyUrlPrefixes", "allowed key URL prefixes, separated by commas or spaces"
                + " (replaces the OSS default; each prefix is taken in exactly its scheme)", (value, builder) -> {
                    List<String> prefixes = split(value);
                    if (prefixes.isEmpty()) {
                        throw new IllegalArgumentException("at least one prefix is required");
                    }
                    KeyUrlPolicy.Builder policy = KeyUrlPolicy.builder();
                    for (String prefix : prefixes) {
                        try {
                            policy.allowPrefix(prefix);
                        } catch (IllegalStateException listedTwice) {
                            throw new IllegalArgumentException(listedTwice.getMessage() + "; list each prefix once");
                        }
                    }
                    builder.keyUrlPolicy(policy.build());
                }),
        MAX_BODY_BYTES("maxBodyBytes", "the body limit in bytes",
                (value, builder) -> builder.maxBodyBytes(Math.toIntExact(number(value)))),
        KEY_FETCH_CONNECT_TIMEOUT("keyFetchConnectTimeoutMillis", "a whole number of milliseconds",
                (value, builder) -> builder.keyFetchConnectTimeout(Duration.ofMillis(number(value)))),
        KEY_FETCH_TIMEOUT("keyFetchTimeoutMillis", "a whole number of milliseconds",
                (value, builder) -> builder.keyFetchTimeout(Duration.ofMillis(number(value)))),
        KEY_REFRESH_INTERVAL("keyRefreshIntervalSeconds", "a whole number of seconds",
                (value, builder) -> builder.keyRefreshInterval(Duration.ofSeconds(number(value)))),
        MAX_KEY_AGE("maxKeyAgeSeconds", "a whole number of seconds",
                (value, builder) -> builder.maxKeyAge(Duration.ofSeconds(number(value)))),
        KEY_RETRY_BACKOFF("keyRetryBackoffMillis", "a whole number of milliseconds",
                (value, builder) -> builder.keyRetryBackoff(Duration.ofMillis(number(value)))),
        MAX_CONCURRENT_KEY_FETCHES("maxConcurrentKeyFetches", "key fetches running at once",
                (value, builder) -> builder.maxConcurrentKeyFetches(Math.toIntExact(number(value)))),
        MAX_KEY_FETCH_WAITERS("maxKeyFetchWaiters", "requests waiting at once for key fetches others started",
                (value, builder) -> builder.maxKeyFetchWaiters(Math.toIntExact(number(value)))),
        PINNED_OSS_KEY("pinnedOssKey", "true or false", (value, builder) -> builder.pinnedOssKey(bool(value))),
        REMOTE_KEY_FETCHING("remoteKeyFetching", "true or false",
                (value, builder) -> builder.remoteKeyFetching(bool(value))),
        BODY_FIELDS("bodyFields", "variable=field pairs, e.g. object=filename,size=length", (value, builder) -> {
            for (String pair : split(value)) {
                int eq = pair.indexOf('=');
                if (eq <= 0 || eq == pair.length() - 1) {
                    throw new IllegalArgumentException("'" + pair + "' is not variable=field");
                }
                builder.bodyField(variable(pair.substring(0, eq)), pair.substring(eq + 1));
            }
        }),
        SIGNED_PATH_PREFIX("signedPathPrefix", "a path prefix a reverse proxy strips, e.g. /api",
                (value, builder) -> builder.signedPathPrefix(value)),
        /**
         * Applied by {@link #uploadTokens}, together with {@link #EXPECTED_BUCKETS}; errors name a
         * bad pair by its position and never quote it, since any part of it may be secret.
         */
        UPLOAD_TOKEN_KEYS("uploadTokenKeys", "keyId=base64secret pairs turning on UploadTokens; the first key"
                + " signs, the others are still accepted", null),
        EXPECTED_BUCKETS("expectedBuckets", "with uploadTokenKeys, the buckets callbacks may name", null),
        REPLAY_WINDOW("replayWindowSeconds", "turns on in-memory replay protection for this window, in seconds",
                (value, builder) -> builder.replayProtection(Duration.ofSeconds(number(value)))),
        EXPECTED_BODY_TYPE("expectedBodyType", "form or json, refusing bodies of the other type",
                (value, builder) -> builder.expectedBodyType(bodyType(value))),
        STRICT_BODY_PARSING("strictBodyParsing", "true refuses bodies that do not parse cleanly",
                (value, builder) -> builder.strictBodyParsing(bool(value))),
        /**
         * The {@code confirmWithOss*} settings are applied together by {@link #objectConfirmation},
         * with credentials from the environment: never from a setting, whose value may be logged.
         */
        CONFIRM_WITH_OSS_BUCKETS("confirmWithOssBuckets", "the buckets whose objects are confirmed with a HeadObject"
                + " (turns the check on; credentials from OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET, OSS_SESSION_TOKEN)",
                null),
        CONFIRM_WITH_OSS_REGION("confirmWithOssRegion", "with confirmWithOssBuckets, the buckets' region, e.g."
                + " cn-hangzhou", null),
        CONFIRM_WITH_OSS_ENDPOINT("confirmWithOssEndpoint", "with confirmWithOssBuckets, public (default), internal"
                + " or an https://host endpoint", null),
        CONFIRM_WITH_OSS_TIMEOUT("confirmWithOssTimeoutMillis", "with confirmWithOssBuckets, a whole number of"
                + " milliseconds", null),
        CONFIRM_WITH_OSS_MAX_CONCURRENT("confirmWithOssMaxConcurrentRequests", "with confirmWithOssBuckets, checks"
                + " running at once", null);

        final String settingName;
        final String takes;
        /** Null for the upload-token settings, whose values may be secret and are applied apart. */
        private final BiConsumer<String, CallbackVerifier.Builder> apply;

        Setting(String settingName, String takes, BiConsumer<String, CallbackVerifier.Builder> apply) {
            this.settingName = settingName;
            this.takes = takes;
            this.apply = apply;
        }

        static Setting named(String name) {
            for (Setting setting : values()) {
                if (setting.settingName.equals(name)) {
                    return setting;
                }
            }
            return null;
        }
    }

    /** Every setting name this parser understands, in the order of {@link Setting}. */
    public static final Set<String> NAMES = names();

    private static Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (Setting setting : Setting.values()) {
            names.add(setting.settingName);
        }
        return Collections.unmodifiableSet(names);
    }

    private VerifierSettings() {
    }

    static void apply(Map<String, String> settings, CallbackVerifier.Builder builder) {
        apply(settings, builder, System.getenv());
    }

    /** As above, with the environment the {@code confirmWithOss*} settings read credentials from. */
    static void apply(Map<String, String> settings, CallbackVerifier.Builder builder, Map<String, String> environment) {
        if (settings.containsKey(Setting.EXPECTED_BUCKETS.settingName)
                && !settings.containsKey(Setting.UPLOAD_TOKEN_KEYS.settingName)) {
            throw new IllegalArgumentException("expectedBuckets needs uploadTokenKeys");
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            Setting setting = Setting.named(name);
            if (setting == null) {
                throw new IllegalArgumentException("unknown setting '" + name + "'; known settings are " + NAMES);
            }
            if (setting.apply == null) {
                continue; // applied below, with messages that never echo the value
            }
            try {
                setting.apply.accept(value, builder);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("setting " + name + "='" + value + "': " + ex.getMessage()
                        + " (expected: " + setting.takes + ")", ex);
            }
        }
        String keys = settings.get(Setting.UPLOAD_TOKEN_KEYS.settingName);
        if (keys != null) {
            // Throws with no cause: a cause's message could quote the secret.
            builder.uploadTokens(uploadTokens(keys, settings.getOrDefault(Setting.EXPECTED_BUCKETS.settingName, "")));
        }
        ObjectConfirmation confirmation = objectConfirmation(settings, environment);
        if (confirmation != null) {
            builder.confirmWithOss(confirmation);
        }
    }

    private static final Setting[] CONFIRM_OPTIONS = {Setting.CONFIRM_WITH_OSS_REGION,
        Setting.CONFIRM_WITH_OSS_ENDPOINT, Setting.CONFIRM_WITH_OSS_TIMEOUT, Setting.CONFIRM_WITH_OSS_MAX_CONCURRENT};

    /** The check with OSS the {@code confirmWithOss*} settings describe, or null if they are absent. */
    private static ObjectConfirmation objectConfirmation(Map<String, String> settings, Map<String, String> environment) {
        String buckets = settings.get(Setting.CONFIRM_WITH_OSS_BUCKETS.settingName);
        if (buckets == null) {
            for (Setting option : CONFIRM_OPTIONS) {
                if (settings.containsKey(option.settingName)) {
                    throw new IllegalArgumentException(option.settingName + " needs confirmWithOssBuckets");
                }
            }
            return null;
        }
        ObjectConfirmation.Builder confirm = ObjectConfirmation.builder();
        Setting current = Setting.CONFIRM_WITH_OSS_BUCKETS;
        try {
            List<String> names = split(buckets);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("at least one bucket is required");
            }
            confirm.buckets(names.toArray(new String[0]));
            current = Setting.CONFIRM_WITH_OSS_REGION;
            String region = value(settings, current);
            if (region == null) {
                throw new IllegalArgumentException("confirmWithOssBuckets needs confirmWithOssRegion");
            }
            confirm.region(region);
            current = Setting.CONFIRM_WITH_OSS_ENDPOINT;
            String endpoint = value(settings, current);
            if (endpoint != null && endpoint.equals("internal")) {
                confirm.internalEndpoint(true);
            } else if (endpoint != null && !endpoint.equals("public")) {
                confirm.endpoint(java.net.URI.create(endpoint));
            }
            current = Setting.CONFIRM_WITH_OSS_TIMEOUT;
            String timeout = value(settings, current);
            if (timeout != null) {
                confirm.timeout(Duration.ofMillis(number(timeout)));
            }
            current = Setting.CONFIRM_WITH_OSS_MAX_CONCURRENT;
            String max = value(settings, current);
            if (max != null) {
                confirm.maxConcurrentRequests(Math.toIntExact(number(max)));
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IllegalArgumentException("setting " + current.settingName + "='"
                    + LogSafe.text(settings.get(current.settingName)) + "': " + e.getMessage() + " (expected: "
                    + current.takes + ")", e);
        }
        try {
            // Its message names the variables, never a value.
            confirm.credentialsFrom(environment);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("setting confirmWithOssBuckets: " + e.getMessage());
        }
        return confirm.build();
    }

    private static String value(Map<String, String> settings, Setting setting) {
        String value = settings.get(setting.settingName);
        return value == null ? null : value.trim();
    }

    /**
     * Parses {@code keyId=base64secret} entries. A typo (a missing id, a colon for the '=', stray
     * padding) can put secret text anywhere in an entry, so errors name the entry by its position
     * and echo nothing of it, not even the part that should have been the key id.
     */
    private static UploadTokens uploadTokens(String keys, String buckets) {
        List<String> entries = split(keys == null ? "" : keys);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("setting uploadTokenKeys: at least one keyId=base64secret entry is required");
        }
        UploadTokens.Builder tokens = UploadTokens.builder();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            String where = "setting uploadTokenKeys: entry " + (i + 1) + " of " + entries.size();
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException(where + " has no '='; write keyId=base64secret");
            }
            String id = entry.substring(0, eq);
            String encoded = entry.substring(eq + 1);
            if (!UploadTokens.KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(where + " does not start with a key id (1 to 32 of A-Z a-z 0-9 _ -)"
                        + " followed by '='; write keyId=base64secret");
            }
            if (encoded.isEmpty() || encoded.startsWith("=")) {
                throw new IllegalArgumentException(where + " has no secret after its key id (is it a secret with its"
                        + " padding but no key id?); write keyId=base64secret");
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " has a secret that is not base64; write keyId=base64secret");
            }
            if (secret.length < UploadTokens.MIN_SECRET_BYTES) {
                throw new IllegalArgumentException(where + " has a secret of " + secret.length + " bytes; at least "
                        + UploadTokens.MIN_SECRET_BYTES + " random bytes are required");
            }
            if (!ids.add(id)) {
                throw new IllegalArgumentException(where + " repeats the key id of an earlier entry");
            }
            try {
                if (i == 0) {
                    tokens.signingKey(id, secret);
                } else {
                    tokens.acceptedKey(id, secret);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where + " is not a valid key");
            }
        }
        tokens.expectedBuckets(split(buckets).toArray(new String[0]));
        return tokens.build();
    }

    private static SystemVariable variable(String name) {
        SystemVariable variable = SystemVariable.named(name);
        if (variable == null) {
            throw new IllegalArgumentException("'" + name + "' is not an OSS system variable");
        }
        return variable;
    }

    private static List<String> split(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split("[,\\s]+")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    private static long number(String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 1) {
                throw new IllegalArgumentException("must be a positive whole number");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a whole number");
        }
    }

    private static BodyType bodyType(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "form":
                return BodyType.FORM;
            case "json":
                return BodyType.JSON;
            default:
                throw new IllegalArgumentException("must be form or json");
        }
    }

    private static boolean bool(String value) {
        switch (value.toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new IllegalArgumentException("must be true or false");
        }
    }
}
