package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BUCKET_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_EXPIRED;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_INVALID;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_MISSING;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_UNKNOWN_KEY;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Binds each callback to an upload the application issued. The OSS signature proves only that
 * OSS sent a callback; the body template is the uploader's, so any OSS account holder can make
 * OSS sign {@code bucket=yours} as a constant (docs/protocol.md in the repository, threat model). An upload token is an
 * HMAC-SHA256 over bucket, object key (or key prefix), expiry and an optional subject, issued
 * with the upload parameters and carried back in an {@code x:} variable; the verifier checks it
 * after the signature and refuses callbacks whose bucket or object differ from what it binds.
 *
 * <p>Keys have ids, so secrets rotate: issue with the new key while the old one is still
 * accepted, then drop the old one.
 */
public final class UploadTokens {

    /** The custom variable that carries the token: {@code ${x:upload_token}}. */
    public static final String VARIABLE = "x:upload_token";
    /** The body field the token arrives in. */
    public static final String BODY_FIELD = "upload_token";
    /** Default allowance for clocks that disagree. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);

    static final String VERSION = "v1";
    static final int MIN_SECRET_BYTES = 32;
    private static final int MAX_TOKEN_LENGTH = 4096;
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final String signingKeyId;
    private final Map<String, byte[]> keys;
    private final Clock clock;
    private final Duration skew;
    private final Set<String> expectedBuckets;

    private UploadTokens(Builder b) {
        this.signingKeyId = b.signingKeyId;
        this.keys = Map.copyOf(b.keys);
        this.clock = b.clock;
        this.skew = b.skew;
        this.expectedBuckets = Set.copyOf(b.expectedBuckets);
    }

    private UploadTokens(UploadTokens same, Clock clock) {
        this.signingKeyId = same.signingKeyId;
        this.keys = same.keys;
        this.clock = clock;
        this.skew = same.skew;
        this.expectedBuckets = same.expectedBuckets;
    }

    /** These tokens, checking expiry (and issuing) by the verifier's clock, so one clock rules all its time. */
    UploadTokens checkingBy(Clock verifierClock) {
        return verifierClock == clock ? this : new UploadTokens(this, verifierClock);
    }

    /** Starts a configuration; a signing key is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** A token for exactly one object key in one bucket. */
    public String issueForObject(String bucket, String objectKey, String subject, Duration validity) {
        return issue(bucket, "o", objectKey, subject, validity);
    }

    /**
     * A token for any object key under a folder-like prefix in one bucket. The prefix ends with
     * {@code /} (e.g. {@code users/42/}), so it matches on a segment boundary: {@code users/4/}
     * does not cover {@code users/42/x}. An object under it must be a plain path: no empty,
     * {@code .} or {@code ..} segments, no backslashes and no control characters, also in its NFKC
     * form, so {@code users/42/../43/x} and its fullwidth look-alike {@code users/42/．．/43/x} are
     * refused.
     *
     * @throws IllegalArgumentException if the prefix does not end with {@code /}, starts with one,
     *     or has an empty, {@code .} or {@code ..} segment or a backslash, also after NFKC normalisation
     */
    public String issueForPrefix(String bucket, String keyPrefix, String subject, Duration validity) {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        if (!keyPrefix.endsWith("/")) {
            throw new IllegalArgumentException("key prefix must end with '/' so it matches whole path segments,"
                    + " e.g. 'users/42/'; got '" + keyPrefix + "' (for one object use issueForObject)");
        }
        if (!isPlainPath(keyPrefix.substring(0, keyPrefix.length() - 1))) {
            throw new IllegalArgumentException("key prefix '" + LogSafe.text(keyPrefix) + "' must not start with '/' or"
                    + " have an empty, '.' or '..' segment, a backslash or a control character, also after NFKC"
                    + " normalisation");
        }
        return issue(bucket, "p", keyPrefix, subject, validity);
    }

    /**
     * True if the path's segments are all non-empty, none is {@code .} or {@code ..}, and it has
     * no backslash and no control character (C0, DEL or C1): a decoder that drops an escape
     * sequence such as ISO-2022-JP's {@code ESC ( B} would otherwise turn {@code ESC(B..} into
     * {@code ..} for whoever reads the key another way. The same holds for the path's NFKC form,
     * with the same segments: look-alikes such as fullwidth {@code ．．／} or U+2025 (two dot
     * leader) become {@code ../} for whoever normalises the key.
     */
    static boolean isPlainPath(String path) {
        if (!hasPlainSegments(path)) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) >= 0x80) {
                // ASCII is its own NFKC form; only other text can turn into dots, slashes or backslashes.
                String normalized = Normalizer.normalize(path, Normalizer.Form.NFKC);
                return hasPlainSegments(normalized) && slashes(normalized) == slashes(path);
            }
        }
        return true;
    }

    private static boolean hasPlainSegments(String path) {
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' || c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                return false;
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static int slashes(String path) {
        int n = 0;
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '/') {
                n++;
            }
        }
        return n;
    }

    /** True if the object is the bound object, or a plain path under the bound prefix. */
    private static boolean covers(JsonNode payload, String object) {
        if (payload.has("o")) {
            return payload.get("o").asText().equals(object);
        }
        String prefix = payload.get("p").asText();
        // Tokens are issued only for prefixes ending in '/'; the boundary is enforced here too.
        String folder = prefix.endsWith("/") ? prefix : prefix + "/";
        return object.startsWith(folder) && object.length() > folder.length() && isPlainPath(object);
    }

    private String issue(String bucket, String kind, String key, String subject, Duration validity) {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(validity, "validity");
        if (bucket.isEmpty() || key.isEmpty()) {
            throw new IllegalArgumentException("bucket and object key (or prefix) must not be empty");
        }
        if (validity.isNegative() || validity.isZero()) {
            throw new IllegalArgumentException("validity must be positive, got " + validity);
        }
        ObjectNode payload = JsonCodec.MAPPER.createObjectNode();
        payload.put("b", bucket);
        payload.put(kind, key);
        payload.put("e", clock.instant().plus(validity).getEpochSecond());
        if (subject != null) {
            payload.put("s", subject);
        }
        String signedPart = VERSION + "." + signingKeyId + "." + B64.encodeToString(json(payload));
        return signedPart + "." + B64.encodeToString(mac(keys.get(signingKeyId), signedPart));
    }

    private static byte[] json(JsonNode node) {
        try {
            return JsonCodec.MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Checks the token carried by a callback against the bucket and object in its body.
     *
     * @return the subject bound into the token, or null if none was
     */
    String check(String token, String bucket, String object) throws CallbackRejectedException {
        if (token == null || token.isEmpty()) {
            throw new CallbackRejectedException(UPLOAD_TOKEN_MISSING, "callback carries no '" + BODY_FIELD
                    + "' field; upload tokens are required");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw invalid("is " + token.length() + " characters long");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals(VERSION)) {
            throw invalid("is not a " + VERSION + " token of four dot-separated parts");
        }
        byte[] secret = keys.get(parts[1]);
        if (secret == null) {
            throw new CallbackRejectedException(UPLOAD_TOKEN_UNKNOWN_KEY, "upload token key id '"
                    + LogSafe.text(parts[1]) + "' is not accepted (accepted: " + keys.keySet() + ")");
        }
        byte[] presented;
        byte[] payloadJson;
        try {
            presented = canonicalDecode(parts[3]);
            payloadJson = canonicalDecode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw invalid("is not canonical unpadded base64url");
        }
        byte[] expected = mac(secret, parts[0] + "." + parts[1] + "." + parts[2]);
        if (!MessageDigest.isEqual(expected, presented)) {
            throw invalid("MAC does not match under key '" + parts[1] + "'");
        }
        JsonNode payload;
        try {
            payload = JsonCodec.MAPPER.readTree(payloadJson); // parsed only once authentic
        } catch (IOException e) {
            throw invalid("payload is not JSON");
        }
        if (payload == null || !payload.isObject() || !payload.path("b").isTextual() || !payload.path("e").isIntegralNumber()
                || !(payload.path("o").isTextual() ^ payload.path("p").isTextual())) {
            throw invalid("payload lacks bucket, expiry or object binding");
        }
        Instant expiry = Instant.ofEpochSecond(payload.get("e").asLong());
        Instant now = clock.instant();
        if (now.isAfter(expiry.plus(skew))) {
            throw new CallbackRejectedException(UPLOAD_TOKEN_EXPIRED, "upload token expired at " + expiry
                    + "; now is " + now + ", allowed skew " + skew);
        }
        String boundBucket = payload.get("b").asText();
        if (!boundBucket.equals(bucket)) {
            // Body values stay out of messages, which end up in logs: say what differs, not what it says.
            throw new CallbackRejectedException(UPLOAD_TOKEN_MISMATCH,
                    "callback bucket is not the bucket the upload token was issued for");
        }
        if (!expectedBuckets.isEmpty() && !expectedBuckets.contains(bucket)) {
            throw new CallbackRejectedException(BUCKET_NOT_ALLOWED, "callback bucket is not among the expected buckets "
                    + expectedBuckets);
        }
        if (object == null) {
            throw new CallbackRejectedException(UPLOAD_TOKEN_MISMATCH, "callback names no object to match the upload token");
        }
        if (!covers(payload, object)) {
            throw new CallbackRejectedException(UPLOAD_TOKEN_MISMATCH, "callback object is not "
                    + (payload.has("o") ? "the object" : "a plain path (no empty, '.' or '..' segments, no"
                    + " backslash, also after NFKC normalisation) under the key prefix") + " the upload token was issued for");
        }
        JsonNode subject = payload.get("s");
        return subject == null || subject.isNull() ? null : subject.asText();
    }

    /**
     * Decodes unpadded base64url, accepting only the one spelling the issuer writes: padding or
     * flipped unused bits would make other strings of the same token.
     */
    private static byte[] canonicalDecode(String part) {
        byte[] bytes = B64D.decode(part);
        if (!B64.encodeToString(bytes).equals(part)) {
            throw new IllegalArgumentException("not canonical");
        }
        return bytes;
    }

    private static CallbackRejectedException invalid(String why) {
        return new CallbackRejectedException(UPLOAD_TOKEN_INVALID, "upload token " + why);
    }

    private static byte[] mac(byte[] secret, String signedPart) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(signedPart.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is available on every JDK", e);
        }
    }

    @Override
    public String toString() {
        return "UploadTokens[signing=" + signingKeyId + ", accepted=" + keys.keySet() + "]";
    }

    /** Configures {@link UploadTokens}. */
    public static final class Builder {
        private String signingKeyId;
        private final Map<String, byte[]> keys = new LinkedHashMap<>();
        private Clock clock = Clock.systemUTC();
        private Duration skew = DEFAULT_CLOCK_SKEW;
        private final Set<String> expectedBuckets = new java.util.LinkedHashSet<>();
        private final Once once = new Once();

        private Builder() {
        }

        /** The key new tokens are issued with; also accepted. Secrets have at least 32 bytes. */
        public Builder signingKey(String keyId, byte[] secret) {
            if (signingKeyId != null) {
                throw new IllegalStateException("signingKey was already set, to '" + signingKeyId + "'");
            }
            addKey(keyId, secret);
            signingKeyId = keyId;
            return this;
        }

        /** A key still accepted for tokens issued before a rotation; drop it to retire it. */
        public Builder acceptedKey(String keyId, byte[] secret) {
            addKey(keyId, secret);
            return this;
        }

        private void addKey(String keyId, byte[] secret) {
            if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
                // Not echoed: a malformed id may be a secret passed in the wrong place.
                throw new IllegalArgumentException("key id must be 1 to 32 of A-Z a-z 0-9 _ -, got "
                        + (keyId == null ? "null" : "a string of " + keyId.length() + " characters"));
            }
            Objects.requireNonNull(secret, "secret");
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("secret for key '" + keyId + "' has " + secret.length
                        + " bytes; at least " + MIN_SECRET_BYTES + " are required");
            }
            if (keys.putIfAbsent(keyId, secret.clone()) != null) {
                throw new IllegalStateException("key id '" + keyId + "' is already configured");
            }
        }

        /** Only callbacks for these buckets are accepted (in addition to the token's own binding). */
        public Builder expectedBuckets(String... buckets) {
            once.mark("expectedBuckets");
            for (String bucket : buckets) {
                expectedBuckets.add(Objects.requireNonNull(bucket, "bucket"));
            }
            return this;
        }

        /**
         * The clock for issuing; tests pass one they control. A {@link CallbackVerifier} checks
         * expiry by its own {@link CallbackVerifier.Builder#clock(Clock) clock}.
         */
        public Builder clock(Clock clock) {
            once.mark("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How far the issuing and checking clocks may disagree; default 30 s. */
        public Builder allowedClockSkew(Duration skew) {
            once.mark("allowedClockSkew");
            Objects.requireNonNull(skew, "skew");
            if (skew.isNegative()) {
                throw new IllegalArgumentException("skew must not be negative, got " + skew);
            }
            this.skew = skew;
            return this;
        }

        /** The immutable token issuer and checker. */
        public UploadTokens build() {
            if (signingKeyId == null) {
                throw new IllegalStateException("a signing key is required");
            }
            return new UploadTokens(this);
        }
    }
}
