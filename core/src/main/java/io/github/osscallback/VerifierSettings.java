package io.github.osscallback;

import java.time.Duration;
import java.util.ArrayList;
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
 *   <li>{@code pinnedOssKey}, {@code remoteKeyFetching}: {@code true} or {@code false}</li>
 *   <li>{@code bodyFields}: {@code variable=field} pairs, e.g. {@code object=filename,size=length}</li>
 *   <li>{@code signedPathPrefix}: a path prefix a reverse proxy strips, e.g. {@code /api}</li>
 *   <li>{@code uploadTokenKeys}: {@code keyId=base64secret} pairs turning on {@link UploadTokens};
 *       the first key signs, the others are still accepted</li>
 *   <li>{@code expectedBuckets}: with {@code uploadTokenKeys}, the buckets callbacks may name</li>
 *   <li>{@code replayWindowSeconds}: turns on in-memory replay protection for this window</li>
 *   <li>{@code strictBodyParsing}: {@code true} refuses bodies that do not parse cleanly</li>
 * </ul>
 */
public final class VerifierSettings {

    /** Every setting name this parser understands. */
    public static final Set<String> NAMES = Set.of("keyUrlPrefixes", "maxBodyBytes",
            "keyFetchConnectTimeoutMillis", "keyFetchTimeoutMillis", "keyRefreshIntervalSeconds",
            "maxKeyAgeSeconds", "keyRetryBackoffMillis", "pinnedOssKey", "remoteKeyFetching", "bodyFields", "signedPathPrefix", "uploadTokenKeys", "expectedBuckets", "replayWindowSeconds",
            "strictBodyParsing");

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
            try {
                applyOne(name, value, builder);
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("setting " + name + "='" + value + "': " + ex.getMessage(), ex);
            }
        }
        String keys = settings.get("uploadTokenKeys");
        if (keys != null) {
            try {
                builder.uploadTokens(uploadTokens(keys, settings.getOrDefault("expectedBuckets", "")));
            } catch (IllegalArgumentException ex) {
                // The value holds secrets: name the setting, never echo it.
                throw new IllegalArgumentException("setting uploadTokenKeys: " + ex.getMessage(), ex);
            }
        }
    }

    private static UploadTokens uploadTokens(String keys, String buckets) {
        UploadTokens.Builder tokens = UploadTokens.builder();
        boolean first = true;
        for (String pair : split(keys)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("each key is keyId=base64secret");
            }
            String id = pair.substring(0, eq);
            byte[] secret;
            try {
                secret = java.util.Base64.getDecoder().decode(pair.substring(eq + 1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("secret of key '" + id + "' is not base64");
            }
            if (first) {
                tokens.signingKey(id, secret);
                first = false;
            } else {
                tokens.acceptedKey(id, secret);
            }
        }
        if (first) {
            throw new IllegalArgumentException("at least one key is required");
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
