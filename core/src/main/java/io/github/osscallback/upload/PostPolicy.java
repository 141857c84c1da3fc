package io.github.osscallback.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.osscallback.OssCredentials;
import io.github.osscallback.UploadTokens;
import io.github.osscallback.internal.JsonCodec;
import io.github.osscallback.internal.LogSafe;
import io.github.osscallback.internal.Once;
import io.github.osscallback.internal.PostSignatures;
import io.github.osscallback.internal.TokenFormat;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A signed PostObject policy: everything a browser (or mini-program) needs to upload one file
 * straight to OSS, with the callback parameters that make OSS call the application back. The
 * application server builds one per upload and hands {@link #toJson()} to the front end, which
 * posts {@link #fields()} plus the file (last) as {@code multipart/form-data} to
 * {@link #uploadUrl()}.
 *
 * <p>The policy binds what the uploader could otherwise change: the bucket, the object key (or
 * a key prefix), the size range ({@link #DEFAULT_MAX_OBJECT_BYTES} at most unless set), the
 * content type, the {@code callback} field, every {@code x:} custom variable and the
 * {@code callback-var} field, so OSS refuses a form whose callback or variables were edited. A
 * callback that names an {@code x:} variable without giving it a value is refused at build:
 * the uploader could fill it with any value.
 * Signed with OSS V4 ({@code OSS4-HMAC-SHA256}) unless {@link SignatureVersion#V1} is asked for.
 */
public final class PostPolicy {

    /** PostObject accepts objects of at most 5 GB. */
    public static final long MAX_OBJECT_BYTES = 5L * 1024 * 1024 * 1024;
    /**
     * The largest object a policy allows when the application sets no
     * {@linkplain Builder#contentLengthRange(long, long) size range}: 100 MiB. A policy without a
     * {@code content-length-range} would let whoever holds the form store up to PostObject's 5 GB
     * per upload at the bucket owner's expense, so every policy carries one; 100 MiB covers
     * photos, documents and short videos. Set {@code contentLengthRange(min, max)} for anything
     * else (up to {@link #MAX_OBJECT_BYTES}).
     */
    public static final long DEFAULT_MAX_OBJECT_BYTES = 100L * 1024 * 1024;
    /** OSS refuses a PostObject form field value larger than 2 MB. */
    public static final int MAX_FIELD_VALUE_BYTES = 2 * 1024 * 1024;
    /** OSS refuses PostObject form fields before the file totalling more than 8 MB. */
    public static final int MAX_FIELDS_BYTES = 8 * 1024 * 1024;
    /** A V4 POST signature is valid for at most 7 days from its {@code x-oss-date}. */
    public static final Duration MAX_V4_VALIDITY = Duration.ofDays(7);
    /** The expiry when none is set. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofMinutes(10);

    private static final int MAX_KEY_BYTES = 1023;
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final DateTimeFormatter EXPIRATION = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** The PostObject signature algorithms OSS accepts. */
    public enum SignatureVersion {
        /** {@code OSS4-HMAC-SHA256}: a key derived for one day, region and service. The default. */
        V4,
        /** HMAC-SHA1 keyed by the secret itself, for deployments that still need it. */
        V1
    }

    private final String uploadUrl;
    private final Map<String, String> fields;
    private final Instant expiresAt;
    private final String keyPrefix;
    private final String policyJson;
    private final SignatureVersion version;

    private PostPolicy(String uploadUrl, Map<String, String> fields, Instant expiresAt, String keyPrefix,
                       String policyJson, SignatureVersion version) {
        this.uploadUrl = uploadUrl;
        this.fields = fields;
        this.expiresAt = expiresAt;
        this.keyPrefix = keyPrefix;
        this.policyJson = policyJson;
        this.version = version;
    }

    /** Starts a policy. */
    public static Builder builder() {
        return new Builder();
    }

    /** Where the browser posts the form: the bucket's endpoint, or the URL the builder was given. */
    public String uploadUrl() {
        return uploadUrl;
    }

    /**
     * The form fields, in the order to send them, the file after them all. With a
     * {@linkplain Builder#keyPrefix(String) key prefix} there is no {@code key} field: the front
     * end adds one that starts with {@link #keyPrefix()}.
     */
    public Map<String, String> fields() {
        return fields;
    }

    /** When OSS stops accepting this form. */
    public Instant expiresAt() {
        return expiresAt;
    }

    /** The prefix the front end's {@code key} must start with, if the policy names no exact key. */
    public Optional<String> keyPrefix() {
        return Optional.ofNullable(keyPrefix);
    }

    /** The signature version the form carries. */
    public SignatureVersion signatureVersion() {
        return version;
    }

    /** The policy document as signed (before base64), for tests and stand-ins. */
    String policyJson() {
        return policyJson;
    }

    /**
     * The JSON a front end needs: {@code uploadUrl}, {@code expiresAt} (ISO-8601), {@code fields}
     * and, for a prefix policy, {@code keyPrefix}. It carries the signature and, for STS
     * credentials, the security token, as the form must; never the AccessKey secret.
     */
    public String toJson() {
        ObjectNode root = JsonCodec.MAPPER.createObjectNode();
        root.put("uploadUrl", uploadUrl);
        root.put("expiresAt", expiresAt.toString());
        if (keyPrefix != null) {
            root.put("keyPrefix", keyPrefix);
        }
        ObjectNode form = root.putObject("fields");
        fields.forEach(form::put);
        try {
            return JsonCodec.MAPPER.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("a tree of strings always serialises", e);
        }
    }

    /** Names the upload, not its signature or token: safe to log. */
    @Override
    public String toString() {
        return "PostPolicy[" + uploadUrl + ", " + (keyPrefix == null ? "key=" + fields.get("key")
                : "keyPrefix=" + keyPrefix) + ", expiresAt=" + expiresAt + ", " + version + "]";
    }

    /** Builds a {@link PostPolicy}; refuses at {@link #build()} what OSS would refuse at upload. */
    public static final class Builder {
        private OssCredentials credentials;
        private String bucket;
        private String region;
        private URI uploadUrl;
        private String objectKey;
        private String keyPrefix;
        private long minBytes = -1;
        private long maxBytes = -1;
        private List<String> contentTypes;
        private String contentTypePrefix;
        private Instant expiresAt;
        private Duration validity;
        private Integer successActionStatus;
        private CallbackParameters callback;
        private SignatureVersion version = SignatureVersion.V4;
        private Clock clock = Clock.systemUTC();
        private final Once once = new Once();

        private Builder() {
        }

        /** The AccessKey pair or STS credentials to sign with. Required. */
        public Builder credentials(OssCredentials credentials) {
            once.mark("credentials");
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /** The bucket name (3 to 63 of a-z, 0-9 and '-'). Required. */
        public Builder bucket(String bucket) {
            once.mark("bucket");
            Objects.requireNonNull(bucket, "bucket");
            if (!BUCKET.matcher(bucket).matches()) {
                throw new IllegalArgumentException("bucket name must be 3 to 63 characters of a-z, 0-9 and '-', "
                        + "starting and ending with a letter or digit; got '" + LogSafe.text(bucket) + "'");
            }
            this.bucket = bucket;
            return this;
        }

        /**
         * The bucket's region id, e.g. {@code cn-hangzhou}: part of the V4 signing key, and of the
         * default upload URL {@code https://<bucket>.oss-<region>.aliyuncs.com}. Required for V4.
         */
        public Builder region(String region) {
            once.mark("region");
            Objects.requireNonNull(region, "region");
            if (region.startsWith("oss-")) {
                throw new IllegalArgumentException("region is the region id, e.g. 'cn-hangzhou', not the endpoint"
                        + " label; got '" + LogSafe.text(region) + "'");
            }
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region must be a region id such as 'cn-hangzhou' (a-z, 0-9,"
                        + " '-'); got '" + LogSafe.text(region) + "'");
            }
            this.region = region;
            return this;
        }

        /**
         * Posts to this http(s) URL instead of the bucket's default endpoint: a custom domain
         * bound to the bucket, an accelerated endpoint, or a stand-in for OSS in tests.
         */
        public Builder uploadUrl(String url) {
            once.mark("uploadUrl");
            Objects.requireNonNull(url, "url");
            try {
                URI uri = new URI(url);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                        || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                    throw new IllegalArgumentException("upload URL must be an absolute http(s) URL without query or"
                            + " fragment; got '" + LogSafe.text(url) + "'");
                }
                this.uploadUrl = uri;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("upload URL is not a valid URI: '" + LogSafe.text(url) + "'", e);
            }
            return this;
        }

        /** Exactly this object key. One of this and {@link #keyPrefix(String)} is required. */
        public Builder objectKey(String key) {
            once.mark("objectKey or keyPrefix");
            this.objectKey = checkKey(Objects.requireNonNull(key, "key"), "object key");
            return this;
        }

        /**
         * Any object key under this folder-like prefix, which ends with {@code /} (so
         * {@code users/4/} does not cover {@code users/42/x}); the front end picks the rest.
         */
        public Builder keyPrefix(String prefix) {
            once.mark("objectKey or keyPrefix");
            checkKey(Objects.requireNonNull(prefix, "prefix"), "key prefix");
            if (!prefix.endsWith("/")) {
                throw new IllegalArgumentException("key prefix must end with '/' so it matches whole path segments,"
                        + " e.g. 'users/42/'; got '" + LogSafe.text(prefix) + "' (for one object use objectKey)");
            }
            this.keyPrefix = prefix;
            return this;
        }

        private static String checkKey(String key, String what) {
            int bytes = key.getBytes(StandardCharsets.UTF_8).length;
            if (bytes == 0 || bytes > MAX_KEY_BYTES) {
                throw new IllegalArgumentException(what + " must be 1 to " + MAX_KEY_BYTES + " bytes of UTF-8;"
                        + " got " + bytes);
            }
            if (key.startsWith("/") || key.startsWith("\\")) {
                throw new IllegalArgumentException(what + " must not start with '/' or '\\' (OSS refuses such keys);"
                        + " got '" + LogSafe.text(key) + "'");
            }
            return key;
        }

        /**
         * The object's size must lie within {@code [min, max]} bytes; max at most 5 GB. Without
         * this, the policy allows 0 to {@link #DEFAULT_MAX_OBJECT_BYTES} bytes.
         */
        public Builder contentLengthRange(long min, long max) {
            once.mark("contentLengthRange");
            if (min < 0 || max < min || max > MAX_OBJECT_BYTES) {
                throw new IllegalArgumentException("content length range must satisfy 0 <= min <= max <= "
                        + MAX_OBJECT_BYTES + " (PostObject's limit); got [" + min + ", " + max + "]");
            }
            this.minBytes = min;
            this.maxBytes = max;
            return this;
        }

        /** The {@code Content-Type} form field must be one of these, e.g. {@code image/png}. */
        public Builder contentTypes(String... types) {
            once.mark("contentTypes or contentTypePrefix");
            if (types.length == 0) {
                throw new IllegalArgumentException("at least one content type is required");
            }
            List<String> list = new ArrayList<>();
            for (String type : types) {
                list.add(checkContentType(Objects.requireNonNull(type, "type")));
            }
            this.contentTypes = List.copyOf(list);
            return this;
        }

        /** The {@code Content-Type} form field must start with this, e.g. {@code image/}. */
        public Builder contentTypePrefix(String prefix) {
            once.mark("contentTypes or contentTypePrefix");
            this.contentTypePrefix = checkContentType(Objects.requireNonNull(prefix, "prefix"));
            return this;
        }

        private static String checkContentType(String type) {
            if (type.isEmpty() || !type.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw new IllegalArgumentException("content type must be non-empty printable ASCII without spaces;"
                        + " got '" + LogSafe.text(type) + "'");
            }
            return type;
        }

        /** OSS stops accepting the form at this instant. Default: 10 minutes after {@link #build()}. */
        public Builder expiresAt(Instant expiry) {
            once.mark("expiry");
            this.expiresAt = Objects.requireNonNull(expiry, "expiry");
            return this;
        }

        /** OSS stops accepting the form this long after {@link #build()}, by the builder's clock. */
        public Builder expiresIn(Duration validity) {
            once.mark("expiry");
            this.validity = Objects.requireNonNull(validity, "validity");
            return this;
        }

        /**
         * The status OSS answers the browser with when no callback is set: 200, 201 or 204 (OSS's
         * default). With a callback OSS relays the application's reply instead.
         */
        public Builder successActionStatus(int status) {
            once.mark("successActionStatus");
            if (status != 200 && status != 201 && status != 204) {
                throw new IllegalArgumentException("success_action_status must be 200, 201 or 204; got " + status);
            }
            this.successActionStatus = status;
            return this;
        }

        /**
         * The callback OSS makes after the upload: its {@code callback} field and {@code x:}
         * variables go into the form and are bound by the policy, the variables also as one
         * {@code callback-var} field (base64 JSON, as {@code x-oss-callback-var} carries them),
         * bound too, so a form cannot override them through that field either. Every
         * {@code ${x:...}} the callback names (body, URL or host) must have a value: OSS fills an
         * unbound one from whatever form field the uploader adds. If the parameters carry an
         * {@linkplain CallbackParameters.Builder#uploadToken(String) upload token}, it must bind
         * this policy's bucket and key (or a prefix of it) and outlive the policy.
         */
        public Builder callback(CallbackParameters parameters) {
            once.mark("callback");
            this.callback = Objects.requireNonNull(parameters, "parameters");
            return this;
        }

        /** V4 (default) or V1. */
        public Builder signatureVersion(SignatureVersion version) {
            once.mark("signatureVersion");
            this.version = Objects.requireNonNull(version, "version");
            return this;
        }

        /** The clock for the signing date and the expiry; tests pass one they control. */
        public Builder clock(Clock clock) {
            once.mark("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Signs the policy.
         *
         * @throws IllegalStateException if credentials, bucket, key, or (for V4, or without an
         *     upload URL) region is missing; if the expiry is not in the future or, for V4, more
         *     than 7 days ahead; if the callback names an {@code x:} variable it gives no value;
         *     if an upload token in the callback binds another bucket or key, or expires before
         *     the policy; or if a form field would exceed OSS's size limits
         */
        public PostPolicy build() {
            require(credentials != null, "credentials are required");
            require(bucket != null, "a bucket is required");
            require(objectKey != null || keyPrefix != null, "an object key or a key prefix is required");
            require(region != null || (version == SignatureVersion.V1 && uploadUrl != null),
                    version == SignatureVersion.V4 ? "a region is required: it is part of the V4 signing key"
                            : "a region (for the default upload URL) or an upload URL is required");
            Instant now = clock.instant();
            Instant expiry = (expiresAt != null ? expiresAt
                    : now.plus(validity != null ? validity : DEFAULT_VALIDITY)).truncatedTo(ChronoUnit.MILLIS);
            if (!expiry.isAfter(now)) {
                throw new IllegalStateException("policy expiry " + expiry + " is not after now (" + now
                        + "); OSS refuses an expired policy");
            }
            if (version == SignatureVersion.V4 && Duration.between(now, expiry).compareTo(MAX_V4_VALIDITY) > 0) {
                throw new IllegalStateException("policy expiry " + expiry + " is " + Duration.between(now, expiry)
                        + " after its signing time " + now + "; OSS accepts a V4 POST signature for at most "
                        + MAX_V4_VALIDITY);
            }
            if (callback != null) {
                checkVariablesBound();
                checkUploadToken(expiry);
            }
            ZonedDateTime signedAt = now.atZone(ZoneOffset.UTC);

            Map<String, String> form = new LinkedHashMap<>();
            ArrayNode conditions = JsonCodec.MAPPER.createArrayNode();
            conditions.addObject().put("bucket", bucket);
            if (objectKey != null) {
                form.put("key", objectKey);
                conditions.addArray().add("eq").add("$key").add(objectKey);
            } else {
                conditions.addArray().add("starts-with").add("$key").add(keyPrefix);
            }
            // Always a size bound: without one, the form would take anything up to PostObject's 5 GB.
            conditions.addArray().add("content-length-range").add(maxBytes >= 0 ? minBytes : 0)
                    .add(maxBytes >= 0 ? maxBytes : DEFAULT_MAX_OBJECT_BYTES);
            if (contentTypes != null) {
                ArrayNode in = conditions.addArray().add("in").add("$content-type").addArray();
                contentTypes.forEach(in::add);
            } else if (contentTypePrefix != null) {
                conditions.addArray().add("starts-with").add("$content-type").add(contentTypePrefix);
            }
            Map<String, String> tail = new LinkedHashMap<>();
            if (successActionStatus != null) {
                tail.put("success_action_status", successActionStatus.toString());
            }
            if (callback != null) {
                tail.put("callback", callback.callbackHeader());
                // OSS documents PostObject variables as x: fields, and callback-var only for
                // PutObject; the variables also go in a bound callback-var field so that a form
                // adding its own cannot supply other values, whichever of the two OSS reads.
                callback.callbackVarHeader().ifPresent(vars -> tail.put("callback-var", vars));
                tail.putAll(callback.customVariables());
            }
            // Every field the uploader could edit to change what the callback means is bound exactly.
            tail.forEach((name, value) -> conditions.addArray().add("eq").add("$" + name).add(value));

            String credential = null;
            String date = null;
            if (version == SignatureVersion.V4) {
                credential = PostSignatures.v4Credential(credentials.accessKeyId(), signedAt, region);
                date = PostSignatures.V4_DATE_TIME.format(signedAt);
                // OSS requires these in the policy, so the signed document names its own scope.
                conditions.addObject().put("x-oss-signature-version", PostSignatures.V4_ALGORITHM);
                conditions.addObject().put("x-oss-credential", credential);
                conditions.addObject().put("x-oss-date", date);
                if (credentials.isTemporary()) {
                    conditions.addObject().put("x-oss-security-token", credentials.securityToken());
                }
            }
            ObjectNode policy = JsonCodec.MAPPER.createObjectNode();
            policy.put("expiration", EXPIRATION.format(expiry));
            policy.set("conditions", conditions);
            String policyJson = write(policy);
            String base64Policy = Base64.getEncoder().encodeToString(policyJson.getBytes(StandardCharsets.UTF_8));

            form.put("policy", base64Policy);
            if (version == SignatureVersion.V4) {
                form.put("x-oss-signature-version", PostSignatures.V4_ALGORITHM);
                form.put("x-oss-credential", credential);
                form.put("x-oss-date", date);
                form.put("x-oss-signature", PostSignatures.v4(credentials.accessKeySecret(), signedAt, region,
                        base64Policy));
            } else {
                form.put("OSSAccessKeyId", credentials.accessKeyId());
                form.put("Signature", PostSignatures.v1(credentials.accessKeySecret(), base64Policy));
            }
            if (credentials.isTemporary()) {
                form.put("x-oss-security-token", credentials.securityToken());
            }
            form.putAll(tail);
            checkSizes(form);
            String url = uploadUrl != null ? uploadUrl.toString()
                    : "https://" + bucket + ".oss-" + region + ".aliyuncs.com";
            return new PostPolicy(url, Collections.unmodifiableMap(form), expiry, keyPrefix, policyJson, version);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalStateException(message);
            }
        }

        private static void checkSizes(Map<String, String> form) {
            long total = 0;
            for (Map.Entry<String, String> field : form.entrySet()) {
                int bytes = field.getValue().getBytes(StandardCharsets.UTF_8).length;
                if (bytes > MAX_FIELD_VALUE_BYTES) {
                    throw new IllegalStateException("form field '" + field.getKey() + "' would be " + bytes
                            + " bytes; OSS refuses PostObject field values over " + MAX_FIELD_VALUE_BYTES + " bytes");
                }
                total += bytes + field.getKey().length();
            }
            if (total > MAX_FIELDS_BYTES) {
                throw new IllegalStateException("form fields would total " + total + " bytes; OSS refuses more than "
                        + MAX_FIELDS_BYTES + " bytes of fields before the file");
            }
        }

        /**
         * OSS fills a {@code ${x:name}} that the form gives no value from whatever field the
         * uploader adds ({@code x:role=admin}), and signs the callback it renders: a variable the
         * callback names must be bound to an exact value. The message names the variable only.
         */
        private void checkVariablesBound() {
            Map<String, String> values = callback.customVariables();
            for (Map.Entry<String, String> use : callback.variableUses().entrySet()) {
                String name = use.getKey();
                if (!values.containsKey(name)) {
                    String shown = LogSafe.text(name);
                    throw new IllegalStateException("the " + use.getValue() + " names ${" + shown + "} but the"
                            + " callback gives no value for '" + shown + "'; the uploader could then set it to"
                            + " anything with a form field, so set it with CallbackParameters.Builder"
                            + "#customVariable (a lower-case x: name) or take it out of the template");
                }
            }
        }

        /**
         * An upload token must vouch for the upload this policy allows, or OSS would accept an
         * upload whose callback the verifier then refuses: a genuine callback lost.
         */
        private void checkUploadToken(Instant expiry) {
            String token = callback.customVariables().get(UploadTokens.VARIABLE);
            if (token == null) {
                return;
            }
            JsonNode payload = tokenPayload(token);
            String boundBucket = payload.path("b").asText();
            if (!boundBucket.equals(bucket)) {
                throw new IllegalStateException("upload token binds bucket '" + LogSafe.text(boundBucket)
                        + "' but the policy is for bucket '" + bucket + "'");
            }
            String boundObject = payload.path("o").isTextual() ? payload.get("o").asText() : null;
            String boundPrefix = payload.path("p").isTextual() ? payload.get("p").asText() : null;
            if (objectKey != null) {
                // The verifier's rule: the exact object, or a plain path (no '.', '..' or empty segment) under the prefix.
                boolean covered = objectKey.equals(boundObject)
                        || (boundPrefix != null && objectKey.startsWith(boundPrefix)
                        && objectKey.length() > boundPrefix.length() && TokenFormat.isPlainPath(objectKey));
                if (!covered) {
                    throw new IllegalStateException("object key '" + LogSafe.text(objectKey) + "' is outside what the"
                            + " upload token binds: " + describe(boundObject, boundPrefix));
                }
            } else if (boundPrefix == null || !keyPrefix.startsWith(boundPrefix)
                    || !TokenFormat.isPlainPath(keyPrefix.substring(0, keyPrefix.length() - 1))) {
                throw new IllegalStateException("key prefix '" + LogSafe.text(keyPrefix) + "' is outside what the"
                        + " upload token binds: " + describe(boundObject, boundPrefix)
                        + "; a prefix policy needs a prefix token covering it, and a plain path (no empty, '.' or"
                        + " '..' segment)");
            }
            Instant tokenExpiry = Instant.ofEpochSecond(payload.path("e").asLong());
            if (tokenExpiry.isBefore(expiry)) {
                throw new IllegalStateException("upload token expires at " + tokenExpiry + ", before the policy"
                        + " expires at " + expiry + "; an upload started late would have its callback refused."
                        + " Issue the token for the policy's validity plus the longest upload time");
            }
        }

        private static String describe(String object, String prefix) {
            return object != null ? "the object '" + LogSafe.text(object) + "'"
                    : "keys under '" + LogSafe.text(prefix) + "'";
        }

        private static JsonNode tokenPayload(String token) {
            JsonNode payload = TokenFormat.unverifiedPayload(token);
            if (payload == null || !payload.path("b").isTextual() || !payload.path("e").isIntegralNumber()) {
                throw new IllegalStateException("the callback's upload token is not one UploadTokens issued");
            }
            return payload;
        }

        private static String write(JsonNode node) {
            try {
                return JsonCodec.MAPPER.writeValueAsString(node);
            } catch (IOException e) {
                throw new IllegalStateException("a tree of strings and numbers always serialises", e);
            }
        }
    }
}
