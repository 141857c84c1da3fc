package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BUCKET_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.REPLAY_STORE_UNAVAILABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_EXPIRED;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_INVALID;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_MISMATCH;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_MISSING;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_UNKNOWN_KEY;
import static io.github.osscallback.CallbackRejectedException.Reason.UPLOAD_TOKEN_USED;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.internal.LogSafe;
import io.github.osscallback.internal.Once;
import io.github.osscallback.internal.TokenFormat;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Binds each callback to an upload the application issued, once. The OSS signature proves only
 * that OSS sent a callback; the body template is the uploader's, so any OSS account holder can make
 * OSS sign {@code bucket=yours} as a constant (docs/protocol.md in the repository, threat model). An
 * upload token is an HMAC-SHA256 over bucket, object key (or key prefix), expiry, a random single-use
 * id and optionally a subject, the callback path and the body type, issued with the upload parameters
 * and carried back in an {@code x:} variable. The verifier checks it after the signature, refuses
 * callbacks whose bucket, object, path or body type differ from what it binds, and accepts one
 * callback per token: the id is recorded as used, for the token's lifetime, when its callback is
 * accepted, so a token copied from a browser's form cannot vouch for a second callback.
 *
 * <pre>{@code
 * String token = tokens.grant("photos").keyPrefix("users/42/").subject("user-42")
 *         .validity(Duration.ofMinutes(70)).callbackPath("/oss/callback").bodyType(BodyType.FORM)
 *         .issue();
 * }</pre>
 *
 * <p>A token proves that the application issued this upload grant and that it is used once. It
 * does not prove that the object exists or has the size or type the callback says: the template
 * that says so is still the uploader's.
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
    /** The fewest bytes a signing or accepted key's secret has: 32 random bytes, HMAC-SHA256's block of strength. */
    public static final int MIN_SECRET_BYTES = 32;
    /** What a key id is: 1 to 32 of {@code A-Z a-z 0-9 _ -}; it travels in every token, so it is no secret. */
    public static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

    /** v2 tokens carry a single-use id; v1 tokens, which did not, are refused. */
    private static final String VERSION = TokenFormat.VERSION;
    /** 128 random bits: ids never repeat by chance, so a used id is always a reused token. */
    static final int ID_BYTES = 16;
    private static final int ID_CHARS = (ID_BYTES * 4 + 2) / 3;
    /**
     * Prefix of the replay-store keys of used token ids. The ':' never occurs in the base64 signatures
     * replay protection records, so the two kinds of key cannot collide in one shared store.
     */
    static final String USED_KEY_PREFIX = "upload-token:";
    private static final int MAX_TOKEN_LENGTH = 4096;
    private static final Duration MIN_USED_RECORD = Duration.ofSeconds(1);
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /**
     * Starts a grant for one upload into a bucket: choose {@link Grant#object} or
     * {@link Grant#keyPrefix}, set {@link Grant#validity}, then {@link Grant#issue}. A grant is
     * immutable, so one with everything but the object set can be kept and issued from again;
     * each token issued has its own single-use id.
     */
    public Grant grant(String bucket) {
        Objects.requireNonNull(bucket, "bucket");
        if (bucket.isEmpty()) {
            throw new IllegalArgumentException("bucket must not be empty");
        }
        return new Grant(this, bucket);
    }

    /**
     * A token for exactly one object key in one bucket; a shortcut for
     * {@code grant(bucket).object(objectKey).subject(subject).validity(validity).issue()}.
     *
     * @param subject who the upload is for, or null
     */
    public String issueForObject(String bucket, String objectKey, String subject, Duration validity) {
        Grant grant = grant(bucket).object(objectKey).validity(validity);
        return (subject == null ? grant : grant.subject(subject)).issue();
    }

    /**
     * A token for any object key under a folder-like prefix in one bucket; a shortcut for
     * {@code grant(bucket).keyPrefix(keyPrefix).subject(subject).validity(validity).issue()}, see
     * {@link Grant#keyPrefix} for what the prefix may be.
     *
     * @param subject who the upload is for, or null
     * @throws IllegalArgumentException if the prefix does not end with {@code /}, starts with one,
     *     or is not a plain path
     */
    public String issueForPrefix(String bucket, String keyPrefix, String subject, Duration validity) {
        Grant grant = grant(bucket).keyPrefix(keyPrefix).validity(validity);
        return (subject == null ? grant : grant.subject(subject)).issue();
    }

    /** True if the object is the bound object, or a plain path under the bound prefix. */
    private static boolean covers(JsonNode payload, String object) {
        if (payload.has("o")) {
            return payload.get("o").asText().equals(object);
        }
        String prefix = payload.get("p").asText();
        // Tokens are issued only for prefixes ending in '/'; the boundary is enforced here too.
        String folder = prefix.endsWith("/") ? prefix : prefix + "/";
        return object.startsWith(folder) && object.length() > folder.length() && TokenFormat.isPlainPath(object);
    }

    private String issue(Grant grant) {
        byte[] id = new byte[ID_BYTES];
        RANDOM.nextBytes(id);
        ObjectNode payload = JsonCodec.MAPPER.createObjectNode();
        payload.put("b", grant.bucket);
        payload.put(grant.object != null ? "o" : "p", grant.object != null ? grant.object : grant.keyPrefix);
        payload.put("e", clock.instant().plus(grant.validity).getEpochSecond());
        payload.put("n", B64.encodeToString(id));
        if (grant.subject != null) {
            payload.put("s", grant.subject);
        }
        if (grant.callbackPath != null) {
            payload.put("c", grant.callbackPath);
        }
        if (grant.bodyType != null) {
            payload.put("t", grant.bodyType.name().toLowerCase(Locale.ROOT));
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
     * Checks the token carried by a callback against the bucket and object in its body, the path
     * OSS signed and the body's type. Stateless: the token is used up only by {@link #use}, once
     * every other check of the callback has passed.
     *
     * @return the checked token, with its subject and single-use id
     */
    Checked check(String token, String bucket, String object, StringToSign signed, BodyType bodyType)
            throws CallbackRejectedException {
        if (token == null || token.isEmpty()) {
            throw new CallbackRejectedException(UPLOAD_TOKEN_MISSING, "callback carries no '" + BODY_FIELD
                    + "' field; upload tokens are required");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw invalid("is " + token.length() + " characters long");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length == 4 && parts[0].equals("v1")) {
            throw invalid("is a v1 token, which carries no single-use id; tokens issued by an earlier version of"
                    + " this library are no longer accepted, issue a " + VERSION + " token");
        }
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
        if (!payload.path("n").isTextual() || payload.get("n").asText().length() < ID_CHARS) {
            throw invalid("payload lacks its single-use id");
        }
        if (payload.has("t") && bodyTypeOf(payload.get("t")) == null) {
            throw invalid("payload binds an unknown body type");
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
        if (payload.has("c") && !signed.pathIs(payload.get("c").asText())) {
            throw new CallbackRejectedException(UPLOAD_TOKEN_MISMATCH,
                    "callback path (as OSS signed it) is not the callback path the upload token was issued for");
        }
        if (payload.has("t") && bodyTypeOf(payload.get("t")) != bodyType) {
            // The content type is not signed: without this a replayer could relabel a body.
            throw new CallbackRejectedException(UPLOAD_TOKEN_MISMATCH,
                    "callback body type (its content type) is not the body type the upload token was issued for");
        }
        JsonNode subject = payload.get("s");
        return new Checked(subject == null || subject.isNull() ? null : subject.asText(), payload.get("n").asText(),
                expiry);
    }

    private static BodyType bodyTypeOf(JsonNode bound) {
        for (BodyType type : BodyType.values()) {
            if (type.name().toLowerCase(Locale.ROOT).equals(bound.asText(null))) {
                return type;
            }
        }
        return null;
    }

    /**
     * Records a checked token as used, so no later callback is accepted with it: the last step of
     * verification, so a callback refused for any other reason never uses up the genuine upload's
     * token. The record outlives the token: it is kept until the token expires plus the skew,
     * plus the skew once more, since the nodes sharing the store may disagree by as much among
     * themselves.
     *
     * @return a future failing with {@code UPLOAD_TOKEN_USED} if it was used before, or
     *     {@code REPLAY_STORE_UNAVAILABLE} if the store cannot record it (fails closed)
     */
    CompletableFuture<Void> use(Checked token, ReplayStore store) {
        Duration lifetime = Duration.between(clock.instant(), token.expiry.plus(skew).plus(skew));
        CompletionStage<Boolean> recorded;
        try {
            recorded = store.firstSeenAsync(USED_KEY_PREFIX + token.id,
                    lifetime.compareTo(MIN_USED_RECORD) < 0 ? MIN_USED_RECORD : lifetime);
        } catch (RuntimeException e) {
            recorded = CompletableFuture.failedFuture(e);
        }
        return recorded.toCompletableFuture().handle((first, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                throw new CompletionException(new CallbackRejectedException(REPLAY_STORE_UNAVAILABLE, "replay store"
                        + " failed while recording the upload token as used: " + cause.getClass().getSimpleName(),
                        cause));
            }
            if (!first) {
                throw new CompletionException(new CallbackRejectedException(UPLOAD_TOKEN_USED, "upload token was"
                        + " already used by an accepted callback; each token vouches for one callback"));
            }
            return null;
        });
    }

    /** A token that passed {@link #check}: who it is for, and what to record when its callback is accepted. */
    static final class Checked {
        final String subject;
        final String id;
        final Instant expiry;

        private Checked(String subject, String id, Instant expiry) {
            this.subject = subject;
            this.id = id;
            this.expiry = expiry;
        }
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

    /**
     * One upload to issue a token for, from {@link UploadTokens#grant(String)}. Immutable: each
     * method returns a new grant, so a partly set one can be kept and reused. Each option may be
     * set once; the object (or key prefix) and the validity are required.
     */
    public static final class Grant {
        private final UploadTokens tokens;
        private final String bucket;
        private final String object;
        private final String keyPrefix;
        private final String subject;
        private final Duration validity;
        private final String callbackPath;
        private final BodyType bodyType;

        private Grant(UploadTokens tokens, String bucket) {
            this(tokens, bucket, null, null, null, null, null, null);
        }

        private Grant(UploadTokens tokens, String bucket, String object, String keyPrefix, String subject,
                      Duration validity, String callbackPath, BodyType bodyType) {
            this.tokens = tokens;
            this.bucket = bucket;
            this.object = object;
            this.keyPrefix = keyPrefix;
            this.subject = subject;
            this.validity = validity;
            this.callbackPath = callbackPath;
            this.bodyType = bodyType;
        }

        private static void unset(Object value, String option) {
            if (value != null) {
                throw new IllegalStateException(option + " was already set");
            }
        }

        /** Binds exactly one object key, matched exactly. */
        public Grant object(String objectKey) {
            unset(object == null ? keyPrefix : object, "object or keyPrefix");
            Objects.requireNonNull(objectKey, "objectKey");
            if (objectKey.isEmpty()) {
                throw new IllegalArgumentException("object key must not be empty");
            }
            return new Grant(tokens, bucket, objectKey, null, subject, validity, callbackPath, bodyType);
        }

        /**
         * Binds any object key under a folder-like prefix. The prefix ends with {@code /} (e.g.
         * {@code users/42/}), so it matches on a segment boundary: {@code users/4/} does not cover
         * {@code users/42/x}. An object under it must be a plain path: no empty, {@code .} or
         * {@code ..} segments, no backslashes and no control characters, also in its NFKC form, so
         * {@code users/42/../43/x} and its fullwidth look-alike {@code users/42/．．/43/x} are refused.
         *
         * @throws IllegalArgumentException if the prefix does not end with {@code /}, starts with one,
         *     or is not itself a plain path
         */
        public Grant keyPrefix(String prefix) {
            unset(object == null ? keyPrefix : object, "object or keyPrefix");
            Objects.requireNonNull(prefix, "keyPrefix");
            if (!prefix.endsWith("/")) {
                throw new IllegalArgumentException("key prefix must end with '/' so it matches whole path segments,"
                        + " e.g. 'users/42/'; got '" + LogSafe.text(prefix) + "' (for one object use object(key) or issueForObject)");
            }
            if (!TokenFormat.isPlainPath(prefix.substring(0, prefix.length() - 1))) {
                throw new IllegalArgumentException("key prefix '" + LogSafe.text(prefix) + "' must not start with '/'"
                        + " or have an empty, '.' or '..' segment, a backslash or a control character, also after"
                        + " NFKC normalisation");
            }
            return new Grant(tokens, bucket, null, prefix, subject, validity, callbackPath, bodyType);
        }

        /** Who the upload is for (e.g. a user id), given back by {@link OssCallback#uploadSubject()}. */
        public Grant subject(String subject) {
            unset(this.subject, "subject");
            return new Grant(tokens, bucket, object, keyPrefix, Objects.requireNonNull(subject, "subject"), validity,
                    callbackPath, bodyType);
        }

        /**
         * How long the token is accepted from now (plus the allowed clock skew). With a PostObject
         * policy: the policy's validity plus the longest an upload may take.
         */
        public Grant validity(Duration validity) {
            unset(this.validity, "validity");
            Objects.requireNonNull(validity, "validity");
            if (validity.isNegative() || validity.isZero()) {
                throw new IllegalArgumentException("validity must be positive, got " + validity);
            }
            return new Grant(tokens, bucket, object, keyPrefix, subject, validity, callbackPath, bodyType);
        }

        /**
         * Binds the path OSS must call, percent-decoded, as OSS signs it: the path of the
         * {@code callbackUrl}, including any {@link CallbackVerifier.Builder#signedPathPrefix prefix}
         * a proxy strips (e.g. {@code /oss/callback}). A callback to another path is refused (403
         * {@code upload_token_mismatch}), so a copied token cannot vouch for a callback to another
         * endpoint. Leave it unset when the upload names fallback callback URLs with other paths.
         *
         * @throws IllegalArgumentException unless the path starts with {@code /} and has no {@code ?},
         *     {@code #} or control character (the verifier refuses such paths)
         */
        public Grant callbackPath(String path) {
            unset(callbackPath, "callbackPath");
            Objects.requireNonNull(path, "path");
            boolean plain = path.startsWith("/");
            for (int i = 0; plain && i < path.length(); i++) {
                char c = path.charAt(i);
                plain = c != '?' && c != '#' && c >= 0x20 && (c < 0x7f || c > 0x9f);
            }
            if (!plain) {
                throw new IllegalArgumentException("callback path '" + LogSafe.text(path) + "' must start with '/'"
                        + " and hold no '?', '#' or control character; give the path of the callback URL, decoded");
            }
            return new Grant(tokens, bucket, object, keyPrefix, subject, validity, path, bodyType);
        }

        /**
         * Binds the body type the upload's callback parameters name (its {@code callbackBodyType}).
         * The content type is not signed, so without this a body could be relabelled on the way.
         */
        public Grant bodyType(BodyType type) {
            unset(bodyType, "bodyType");
            return new Grant(tokens, bucket, object, keyPrefix, subject, validity, callbackPath,
                    Objects.requireNonNull(type, "type"));
        }

        /**
         * A new token for this grant, with its own single-use id.
         *
         * @throws IllegalStateException if the object (or key prefix) or the validity is not set
         */
        public String issue() {
            if (object == null && keyPrefix == null) {
                throw new IllegalStateException("an object or a keyPrefix is required");
            }
            if (validity == null) {
                throw new IllegalStateException("a validity is required");
            }
            return tokens.issue(this);
        }

        @Override
        public String toString() {
            return "UploadTokens.Grant[bucket=" + LogSafe.text(bucket)
                    + (object != null ? ", object=" + LogSafe.text(object) : "")
                    + (keyPrefix != null ? ", keyPrefix=" + LogSafe.text(keyPrefix) : "")
                    + (subject != null ? ", subject set" : "")
                    + (validity != null ? ", validity=" + validity : "")
                    + (callbackPath != null ? ", callbackPath=" + LogSafe.text(callbackPath) : "")
                    + (bodyType != null ? ", bodyType=" + bodyType : "") + "]";
        }
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
