package io.github.osscallback.spi;

import io.github.osscallback.BodyType;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.ObjectConfirmation;
import io.github.osscallback.SystemVariable;
import io.github.osscallback.UploadTokens;
import io.github.osscallback.internal.LogSafe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;

/**
 * The string settings shared by every adapter (servlet init-params, JAX-RS application
 * properties, Spring Boot properties), in the spirit of Caffeine's {@code CaffeineSpec}. The names
 * are {@link #NAMES}. Inside, one table ({@code Setting}) holds each setting's type, default and
 * description and drives parsing and the error messages; docs/configuration.md and the starter's
 * configuration metadata are tested whole against it. Errors about {@code uploadTokenKeys} never
 * quote its value.
 */
public final class VerifierSettings {

    /** What a setting's value is, as a Spring property type and as the documentation names it. */
    enum Type {
        LIST("java.util.List<java.lang.String>", "list"),
        INTEGER("java.lang.Integer", "integer"),
        LONG("java.lang.Long", "integer"),
        BOOLEAN("java.lang.Boolean", "boolean"),
        STRING("java.lang.String", "string");

        final String javaType;
        final String documented;

        Type(String javaType, String documented) {
            this.javaType = javaType;
            this.documented = documented;
        }
    }

    /**
     * One setting: its name, type, default (null when unset means off or none), description, the
     * value it takes (for error messages), and how it configures the builder. Descriptions name
     * other settings by their setting names; each entry point's documentation spells them its way.
     */
    enum Setting {
        KEY_URL_PREFIXES("keyUrlPrefixes", Type.LIST, null,
                "Allowed public key URL prefixes (replaces the OSS default, OSS's own key files only; each prefix is"
                + " taken in exactly its scheme).",
                "allowed key URL prefixes, separated by commas or spaces", (value, builder) -> {
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
        MAX_BODY_BYTES("maxBodyBytes", Type.INTEGER, String.valueOf(CallbackVerifier.DEFAULT_MAX_BODY_BYTES),
                "The body limit in bytes; larger callbacks are refused with 413.", "the body limit in bytes",
                (value, builder) -> builder.maxBodyBytes(Math.toIntExact(number(value)))),
        KEY_FETCH_CONNECT_TIMEOUT("keyFetchConnectTimeoutMillis", Type.LONG,
                millis(CallbackVerifier.DEFAULT_KEY_CONNECT_TIMEOUT), "Connect timeout of a key fetch, in milliseconds.",
                "a whole number of milliseconds",
                (value, builder) -> builder.keyFetchConnectTimeout(Duration.ofMillis(number(value)))),
        KEY_FETCH_TIMEOUT("keyFetchTimeoutMillis", Type.LONG, millis(CallbackVerifier.DEFAULT_KEY_FETCH_TIMEOUT),
                "Timeout of a whole key fetch, in milliseconds (OSS waits 5 s for the whole callback).",
                "a whole number of milliseconds",
                (value, builder) -> builder.keyFetchTimeout(Duration.ofMillis(number(value)))),
        KEY_REFRESH_INTERVAL("keyRefreshIntervalSeconds", Type.LONG,
                seconds(CallbackVerifier.DEFAULT_KEY_REFRESH_INTERVAL),
                "Keys older than this are refreshed in the background while still served, in seconds.",
                "a whole number of seconds",
                (value, builder) -> builder.keyRefreshInterval(Duration.ofSeconds(number(value)))),
        MAX_KEY_AGE("maxKeyAgeSeconds", Type.LONG, seconds(CallbackVerifier.DEFAULT_MAX_KEY_AGE),
                "While refreshes fail, a key is served until this age, then callbacks fail closed (503), in seconds.",
                "a whole number of seconds",
                (value, builder) -> builder.maxKeyAge(Duration.ofSeconds(number(value)))),
        KEY_RETRY_BACKOFF("keyRetryBackoffMillis", Type.LONG, millis(CallbackVerifier.DEFAULT_KEY_RETRY_BACKOFF),
                "A failed key fetch is not retried sooner, nor a key host that timed out, was unreachable or"
                + " answered 5xx contacted again, in milliseconds.", "a whole number of milliseconds",
                (value, builder) -> builder.keyRetryBackoff(Duration.ofMillis(number(value)))),
        MAX_CONCURRENT_KEY_FETCHES("maxConcurrentKeyFetches", Type.INTEGER,
                String.valueOf(CallbackVerifier.DEFAULT_MAX_CONCURRENT_KEY_FETCHES),
                "Key fetches running at once; beyond that a callback needing a fetch is refused at once (503).",
                "key fetches running at once",
                (value, builder) -> builder.maxConcurrentKeyFetches(Math.toIntExact(number(value)))),
        MAX_KEY_FETCH_WAITERS("maxKeyFetchWaiters", Type.INTEGER,
                String.valueOf(CallbackVerifier.DEFAULT_MAX_KEY_FETCH_WAITERS),
                "Requests waiting at once for key fetches others started; beyond that a callback that would wait is"
                + " refused at once (503).", "requests waiting at once for key fetches others started",
                (value, builder) -> builder.maxKeyFetchWaiters(Math.toIntExact(number(value)))),
        PINNED_OSS_KEY("pinnedOssKey", Type.BOOLEAN, "true",
                "Use the OSS public key shipped in the library for OSS's own key URL.", "true or false",
                (value, builder) -> builder.pinnedOssKey(bool(value))),
        REMOTE_KEY_FETCHING("remoteKeyFetching", Type.BOOLEAN, "true",
                "Fetch keys from allowed URLs that are not pinned.", "true or false",
                (value, builder) -> builder.remoteKeyFetching(bool(value))),
        BODY_FIELDS("bodyFields", Type.LIST, null, "variable=field pairs naming the body fields of OSS system"
                + " variables, e.g. object=filename,size=length; unset, each variable's own name.",
                "variable=field pairs, e.g. object=filename,size=length", (value, builder) -> {
                    for (String pair : split(value)) {
                        int eq = pair.indexOf('=');
                        if (eq <= 0 || eq == pair.length() - 1) {
                            throw new IllegalArgumentException("'" + pair + "' is not variable=field");
                        }
                        builder.bodyField(variable(pair.substring(0, eq)), pair.substring(eq + 1));
                    }
                }),
        SIGNED_PATH_PREFIX("signedPathPrefix", Type.STRING, null,
                "A path prefix a reverse proxy strips before the request reaches the application, e.g. /api.",
                "a path prefix a reverse proxy strips, e.g. /api", (value, builder) -> builder.signedPathPrefix(value)),
        /**
         * Applied by {@link #uploadTokens}, together with {@link #EXPECTED_BUCKETS}; errors name a
         * bad pair by its position and never quote it, since any part of it may be secret.
         */
        UPLOAD_TOKEN_KEYS("uploadTokenKeys", Type.LIST, null, "keyId=base64secret pairs turning on upload tokens;"
                + " the first key signs, the others are still accepted. A secret: set it from the environment, not"
                + " in a committed file.", "keyId=base64secret pairs; the first key signs, the others are still accepted",
                null),
        EXPECTED_BUCKETS("expectedBuckets", Type.LIST, null, "With uploadTokenKeys, the buckets callbacks may name.",
                "with uploadTokenKeys, the buckets callbacks may name", null),
        REPLAY_WINDOW("replayWindowSeconds", Type.LONG, null,
                "Turns on in-memory replay protection for this window, in seconds.",
                "a whole number of seconds", (value, builder) -> builder.replayProtection(Duration.ofSeconds(number(value)))),
        EXPECTED_BODY_TYPE("expectedBodyType", Type.STRING, null,
                "form or json: refuse bodies of the other type. Set it to your callbackBodyType.",
                "form or json", (value, builder) -> builder.expectedBodyType(bodyType(value)), "form", "json"),
        STRICT_BODY_PARSING("strictBodyParsing", Type.BOOLEAN, "false",
                "Refuse bodies that do not parse cleanly (instead of delivering them with bodyProblem()).",
                "true or false", (value, builder) -> builder.strictBodyParsing(bool(value))),
        DIAGNOSTICS("diagnostics", Type.BOOLEAN, "false",
                "On a signature mismatch, try a bounded number of changed strings to sign and name the likely cause"
                        + " (path_prefix_added, body_reserialized, ...) in the rejection's log line; costs extra"
                        + " verifies per mismatch.",
                "true or false", (value, builder) -> builder.diagnostics(bool(value))),
        /**
         * The {@code confirmWithOss*} settings are applied together by {@link #objectConfirmation},
         * with credentials from the environment: never from a setting, whose value may be logged.
         */
        CONFIRM_WITH_OSS_BUCKETS("confirmWithOssBuckets", Type.LIST, null, "Turns on confirming each callback with"
                + " OSS: a signed HeadObject must find the callback's object in one of these buckets with its size,"
                + " ETag and content type (403 object_not_confirmed otherwise, 503 oss_unavailable when OSS does not"
                + " answer in time). Credentials come from the environment variables OSS_ACCESS_KEY_ID,"
                + " OSS_ACCESS_KEY_SECRET and OSS_SESSION_TOKEN (STS), never from a setting.",
                "the buckets whose objects are confirmed with a HeadObject", null),
        CONFIRM_WITH_OSS_REGION("confirmWithOssRegion", Type.STRING, null,
                "With confirmWithOssBuckets: the buckets' region, e.g. cn-hangzhou.",
                "with confirmWithOssBuckets, the buckets' region, e.g. cn-hangzhou", null),
        CONFIRM_WITH_OSS_ENDPOINT("confirmWithOssEndpoint", Type.STRING, "public", "With confirmWithOssBuckets: public"
                + " (oss-{region}.aliyuncs.com), internal (oss-{region}-internal.aliyuncs.com) or an https://host"
                + " endpoint.", "with confirmWithOssBuckets, public (default), internal or an https://host endpoint",
                null),
        CONFIRM_WITH_OSS_TIMEOUT("confirmWithOssTimeoutMillis", Type.LONG, millis(ObjectConfirmation.DEFAULT_TIMEOUT),
                "With confirmWithOssBuckets: the bound on one HeadObject, connect to answer, in milliseconds.",
                "with confirmWithOssBuckets, a whole number of milliseconds", null),
        CONFIRM_WITH_OSS_MAX_CONCURRENT("confirmWithOssMaxConcurrentRequests", Type.INTEGER,
                String.valueOf(ObjectConfirmation.DEFAULT_MAX_CONCURRENT_REQUESTS), "With confirmWithOssBuckets:"
                + " HeadObject requests running at once; one more is refused at once (503 oss_unavailable).",
                "with confirmWithOssBuckets, checks running at once", null);

        final String settingName;
        final Type type;
        /** The value in effect when the setting is absent, as the setting would spell it; null for off or none. */
        final String defaultValue;
        /** One or more sentences, for the documentation and the starter's configuration metadata. */
        final String description;
        /** The value expected, for error messages. */
        final String takes;
        /** The only values accepted, when there is a short list of them; otherwise empty. */
        final List<String> values;
        /** Null for the upload-token settings, whose values may be secret and are applied apart. */
        private final BiConsumer<String, CallbackVerifier.Builder> apply;

        Setting(String settingName, Type type, String defaultValue, String description, String takes,
                BiConsumer<String, CallbackVerifier.Builder> apply, String... values) {
            this.settingName = settingName;
            this.type = type;
            this.defaultValue = defaultValue;
            this.description = description;
            this.takes = takes;
            this.apply = apply;
            this.values = List.of(values);
        }

        // Here, not in the outer class: calling into it would initialise it, and its NAMES need this enum's values.
        private static String millis(Duration d) {
            return String.valueOf(d.toMillis());
        }

        private static String seconds(Duration d) {
            return String.valueOf(d.getSeconds());
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

    /**
     * The property a setting is under where properties are spelt in kebab case, as Spring Boot,
     * Quarkus and Solon applications write them: {@code prefix} and the setting name with each
     * capital turned into a dash and its small letter ({@code keyUrlPrefixes} under
     * {@code oss.callback.} is {@code oss.callback.key-url-prefixes}).
     */
    public static String propertyName(String prefix, String settingName) {
        StringBuilder property = new StringBuilder(prefix.length() + settingName.length() + 4).append(prefix);
        for (int i = 0; i < settingName.length(); i++) {
            char c = settingName.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                property.append('-').append((char) (c + ('a' - 'A')));
            } else {
                property.append(c);
            }
        }
        return property.toString();
    }

    /**
     * A message about settings ({@link #configure} and the verifier name settings, as in
     * {@code setting keyUrlPrefixes='…'}) with each setting name replaced by its
     * {@link #propertyName(String, String) property name}: the names the application wrote.
     */
    public static String inPropertyNames(String message, String prefix) {
        return inPropertyNames(message, prefix, NAMES);
    }

    /** {@link #inPropertyNames(String, String)} for these setting names (the verifier's, or the events'). */
    static String inPropertyNames(String message, String prefix, Collection<String> names) {
        String out = message == null ? "" : message;
        for (String name : names) {
            out = out.replaceAll("(?:setting )?\\b" + name + "\\b",
                    Matcher.quoteReplacement(propertyName(prefix, name)));
        }
        return out;
    }

    /**
     * The name among {@code known} that {@code given} most likely meant, for the error message
     * about an unknown setting or property; empty when none is close. Case, dashes, underscores,
     * dots and a leading {@code oss.callback} do not count, so a name written in another entry
     * point's style ({@code max-body-bytes} in web.xml, {@code oss.callback.maxBodyBytes} as an
     * init-param) finds its own; beyond that, the name fewest edits away (at most a quarter of its
     * length, and at least two), else the first that starts with the other
     * ({@code replay-window} for {@code replay-window-seconds}).
     */
    public static Optional<String> nearestName(String given, Collection<String> known) {
        String g = comparable(given);
        String nearest = null;
        int fewest = Integer.MAX_VALUE;
        String startsAlike = null;
        for (String name : known) {
            String k = comparable(name);
            int edits = edits(g, k);
            if (edits <= Math.max(2, Math.min(g.length(), k.length()) / 4) && edits < fewest) {
                nearest = name;
                fewest = edits;
            }
            if (startsAlike == null && Math.min(g.length(), k.length()) >= 4 && (k.startsWith(g) || g.startsWith(k))) {
                startsAlike = name;
            }
        }
        return Optional.ofNullable(nearest != null ? nearest : startsAlike);
    }

    /**
     * The message refusing a name that is no setting, in the spelling of an entry point whose
     * names are {@code prefix} and a setting name: the name as given (log-safe), the nearest
     * setting, and all of them.
     */
    static String unknown(String prefix, String fullName) {
        List<String> known = new ArrayList<>();
        for (String name : NAMES) {
            known.add(prefix + name);
        }
        return "unknown setting '" + LogSafe.text(fullName) + "'"
                + nearestName(fullName, known).map(name -> " (did you mean " + name + "?)").orElse("")
                + "; known settings are " + NAMES;
    }

    private static String comparable(String name) {
        String letters = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        return letters.startsWith("osscallback") ? letters.substring("osscallback".length()) : letters;
    }

    /** Levenshtein distance: insertions, deletions and substitutions. */
    private static int edits(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /**
     * Configures {@code builder} from settings by name, as strings: the one way every adapter
     * reads its container's configuration (servlet init-params, JAX-RS properties, Spring or
     * MicroProfile properties), and for applications whose settings come as strings. Credentials
     * for the {@code confirmWithOss*} settings come from the environment, never from a setting.
     *
     * @return {@code builder}
     * @throws IllegalArgumentException on an unknown name (with the nearest one suggested) or a
     *     bad value; messages name the setting and never quote a secret
     */
    public static CallbackVerifier.Builder configure(CallbackVerifier.Builder builder, Map<String, String> settings) {
        return configure(builder, settings, System.getenv());
    }

    /**
     * As {@link #configure(CallbackVerifier.Builder, Map)}, with the environment variables the
     * {@code confirmWithOss*} settings read credentials from (a container's own, a test's).
     */
    public static CallbackVerifier.Builder configure(CallbackVerifier.Builder builder, Map<String, String> settings,
                                                     Map<String, String> environment) {
        if (settings.containsKey(Setting.EXPECTED_BUCKETS.settingName)
                && !settings.containsKey(Setting.UPLOAD_TOKEN_KEYS.settingName)) {
            throw new IllegalArgumentException("expectedBuckets needs uploadTokenKeys");
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            Setting setting = Setting.named(name);
            if (setting == null) {
                throw new IllegalArgumentException(unknown("", name));
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
        return builder;
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
            confirm.credentialsFromEnvironment(environment);
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
