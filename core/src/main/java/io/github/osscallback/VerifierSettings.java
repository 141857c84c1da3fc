package io.github.osscallback;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The string settings shared by every adapter (servlet init-params, JAX-RS configuration
 * properties), in the spirit of Caffeine's {@code CaffeineSpec}. Names:
 * <ul>
 *   <li>{@code keyUrlPrefixes}: allowed key URL prefixes, separated by commas or spaces
 *       (replaces the OSS default; each prefix is taken in exactly its scheme)</li>
 *   <li>{@code maxBodyBytes}: the body limit in bytes</li>
 *   <li>{@code keyFetchConnectTimeoutMillis}, {@code keyFetchTimeoutMillis}</li>
 *   <li>{@code keyRefreshIntervalSeconds}, {@code maxKeyAgeSeconds}, {@code keyRetryBackoffMillis}</li>
 *   <li>{@code maxConcurrentKeyFetches}: key fetches running at once</li>
 *   <li>{@code pinnedOssKey}, {@code remoteKeyFetching}: {@code true} or {@code false}</li>
 *   <li>{@code bodyFields}: {@code variable=field} pairs, e.g. {@code object=filename,size=length}</li>
 *   <li>{@code signedPathPrefix}: a path prefix a reverse proxy strips, e.g. {@code /api}</li>
 *   <li>{@code uploadTokenKeys}: {@code keyId=base64secret} pairs turning on {@link UploadTokens};
 *       the first key signs, the others are still accepted. Errors name a bad pair by its position
 *       and never quote it, since any part of it may be secret</li>
 *   <li>{@code expectedBuckets}: with {@code uploadTokenKeys}, the buckets callbacks may name</li>
 *   <li>{@code replayWindowSeconds}: turns on in-memory replay protection for this window</li>
 *   <li>{@code expectedBodyType}: {@code form} or {@code json}, refusing bodies of the other type</li>
 *   <li>{@code strictBodyParsing}: {@code true} refuses bodies that do not parse cleanly</li>
 * </ul>
 */
public final class VerifierSettings {

    /** Every setting name this parser understands. */
    public static final Set<String> NAMES = Set.of("keyUrlPrefixes", "maxBodyBytes",
            "keyFetchConnectTimeoutMillis", "keyFetchTimeoutMillis", "keyRefreshIntervalSeconds",
            "maxKeyAgeSeconds", "keyRetryBackoffMillis", "maxConcurrentKeyFetches", "pinnedOssKey",
            "remoteKeyFetching", "bodyFields", "signedPathPrefix", "uploadTokenKeys", "expectedBuckets",
            "replayWindowSeconds", "expectedBodyType", "strictBodyParsing");

    /** Settings whose values are secret: never put into a message. */
    private static final Set<String> SECRET_SETTINGS = Set.of("uploadTokenKeys");

    private VerifierSettings() {
    }

    static void apply(Map<String, String> settings, CallbackVerifier.Builder builder) {
        if (settings.containsKey("expectedBuckets") && !settings.containsKey("uploadTokenKeys")) {
            throw new IllegalArgumentException("expectedBuckets needs uploadTokenKeys");
        }
        for (Map.Entry<String, String> e : settings.entrySet()) {
            String name = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown setting '" + name + "'; known settings are " + NAMES);
            }
            if (SECRET_SETTINGS.contains(name)) {
                continue; // applied below, with messages that never echo the value
            }
            try {
                applyOne(name, value, builder);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("setting " + name + "='" + value + "': " + ex.getMessage(), ex);
            }
        }
        String keys = settings.get("uploadTokenKeys");
        if (keys != null) {
            // Throws with no cause: a cause's message could quote the secret.
            builder.uploadTokens(uploadTokens(keys, settings.getOrDefault("expectedBuckets", "")));
        }
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

    private static void applyOne(String name, String value, CallbackVerifier.Builder builder) {
        switch (name) {
            case "keyUrlPrefixes":
                KeyUrlPolicy.Builder policy = KeyUrlPolicy.builder();
                List<String> prefixes = split(value);
                if (prefixes.isEmpty()) {
                    throw new IllegalArgumentException("at least one prefix is required");
                }
                prefixes.forEach(policy::allowPrefix);
                builder.keyUrlPolicy(policy.build());
                break;
            case "maxBodyBytes":
                builder.maxBodyBytes(Math.toIntExact(number(value)));
                break;
            case "keyFetchConnectTimeoutMillis":
                builder.keyFetchConnectTimeout(Duration.ofMillis(number(value)));
                break;
            case "keyFetchTimeoutMillis":
                builder.keyFetchTimeout(Duration.ofMillis(number(value)));
                break;
            case "keyRefreshIntervalSeconds":
                builder.keyRefreshInterval(Duration.ofSeconds(number(value)));
                break;
            case "maxKeyAgeSeconds":
                builder.maxKeyAge(Duration.ofSeconds(number(value)));
                break;
            case "keyRetryBackoffMillis":
                builder.keyRetryBackoff(Duration.ofMillis(number(value)));
                break;
            case "maxConcurrentKeyFetches":
                builder.maxConcurrentKeyFetches(Math.toIntExact(number(value)));
                break;
            case "pinnedOssKey":
                builder.pinnedOssKey(bool(value));
                break;
            case "remoteKeyFetching":
                builder.remoteKeyFetching(bool(value));
                break;
            case "bodyFields":
                for (String pair : split(value)) {
                    int eq = pair.indexOf('=');
                    if (eq <= 0 || eq == pair.length() - 1) {
                        throw new IllegalArgumentException("'" + pair + "' is not variable=field");
                    }
                    builder.bodyField(variable(pair.substring(0, eq)), pair.substring(eq + 1));
                }
                break;
            case "signedPathPrefix":
                builder.signedPathPrefix(value);
                break;
            case "replayWindowSeconds":
                builder.replayProtection(Duration.ofSeconds(number(value)));
                break;
            case "expectedBodyType":
                builder.expectedBodyType(bodyType(value));
                break;
            case "strictBodyParsing":
                builder.strictBodyParsing(bool(value));
                break;
            case "uploadTokenKeys":
                break; // applied below, together with expectedBuckets
            case "expectedBuckets":
                break;
            default:
                throw new AssertionError(name);
        }
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
