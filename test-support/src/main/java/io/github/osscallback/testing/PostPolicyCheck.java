package io.github.osscallback.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;

/**
 * Checks a PostObject form as OSS does: the signature over the base64 policy (V1: HMAC-SHA1,
 * V4: OSS4-HMAC-SHA256 with the credential's date and region), the policy's expiration against
 * the stand-in's clock, and each condition ({@code {"name":v}}, {@code eq}, {@code starts-with},
 * {@code in}, {@code not-in}, {@code content-length-range}) against the form and the file. A
 * condition naming a field the form lacks fails, as OSS documents (error 0006-00000226), even
 * {@code ["eq", "$f", ""]}. Like OSS, fields no condition names are accepted unchecked: that is
 * why a callback variable must be bound by the policy (an added {@code x:} field is otherwise
 * taken as it comes).
 */
final class PostPolicyCheck {

    static final String V4 = "OSS4-HMAC-SHA256";
    /** OSS tolerates a V4 date this far ahead of its clock. */
    static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(15);
    /** A V4 signature is valid for at most 7 days after its date. */
    static final Duration MAX_V4_AGE = Duration.ofDays(7);

    private static final DateTimeFormatter V4_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);

    private PostPolicyCheck() {
    }

    /**
     * Checks the form; with a null id and secret (no AccessKey configured) the signature is not
     * checked but the policy still is.
     */
    static void check(PostObjectForm form, String bucket, String accessKeyId, String accessKeySecret, Clock clock)
            throws OssRefusal {
        String policy = form.field("policy");
        if (policy == null) {
            if (accessKeyId != null) {
                throw new OssRefusal(403, "AccessDenied", "The stand-in requires a signed policy for PostObject.");
            }
            return;
        }
        if (V4.equals(form.field("x-oss-signature-version"))) {
            checkV4(form, policy, accessKeyId, accessKeySecret, clock);
        } else if (accessKeyId != null) {
            checkV1(form, policy, accessKeyId, accessKeySecret);
        }
        JsonNode document;
        try {
            document = StandInJson.tree(new String(Base64.getDecoder().decode(policy.trim()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new OssRefusal(400, "InvalidPolicyDocument", "Invalid Policy: the policy is not base64 JSON.");
        }
        JsonNode expiration = document.get("expiration");
        if (expiration == null || !expiration.isTextual()) {
            throw new OssRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value.");
        }
        Instant expires;
        try {
            expires = Instant.parse(expiration.asText());
        } catch (DateTimeParseException e) {
            throw new OssRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid 'expiration' value: "
                    + expiration.asText());
        }
        if (!clock.instant().isBefore(expires)) {
            throw new OssRefusal(403, "AccessDenied", "Invalid according to Policy: Policy expired.");
        }
        JsonNode conditions = document.get("conditions");
        if (conditions == null || !conditions.isArray()) {
            throw new OssRefusal(400, "InvalidPolicyDocument", "Invalid Policy: the policy has no conditions array.");
        }
        for (JsonNode condition : conditions) {
            checkCondition(condition, form, bucket);
        }
    }

    private static void checkV1(PostObjectForm form, String policy, String id, String secret) throws OssRefusal {
        if (!id.equals(form.field("OSSAccessKeyId"))) {
            throw new OssRefusal(403, "InvalidAccessKeyId", OssHmac.UNKNOWN_KEY_ID);
        }
        requireEqual(OssHmac.v1(secret, policy), form.field("Signature"));
    }

    private static void checkV4(PostObjectForm form, String policy, String id, String secret, Clock clock)
            throws OssRefusal {
        String credential = form.field("x-oss-credential");
        String date = form.field("x-oss-date");
        String[] scope = credential == null ? new String[0] : credential.split("/");
        if (!OssHmac.isV4Scope(scope) || date == null) {
            throw new OssRefusal(400, "InvalidArgument", "x-oss-credential must read <AccessKeyId>/<yyyyMMdd>/<region>/oss/aliyun_v4_request"
                    + " and x-oss-date must be given.");
        }
        Instant signedAt;
        try {
            signedAt = LocalDateTime.parse(date, V4_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new OssRefusal(400, "InvalidArgument", "x-oss-date is not yyyyMMdd'T'HHmmss'Z': " + date);
        }
        if (!date.startsWith(scope[1])) {
            throw new OssRefusal(400, "InvalidArgument", "The date of x-oss-credential differs from x-oss-date.");
        }
        Instant now = clock.instant();
        if (signedAt.isAfter(now.plus(MAX_CLOCK_SKEW))) {
            throw new OssRefusal(403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
        }
        if (now.isAfter(signedAt.plus(MAX_V4_AGE))) {
            throw new OssRefusal(403, "AccessDenied", "Request has expired: x-oss-date is more than 7 days old.");
        }
        if (id == null) {
            return;
        }
        if (!scope[0].equals(id)) {
            throw new OssRefusal(403, "InvalidAccessKeyId", OssHmac.UNKNOWN_KEY_ID);
        }
        requireEqual(OssHmac.v4(secret, scope[1], scope[2], policy), form.field("x-oss-signature"));
    }

    private static void checkCondition(JsonNode condition, PostObjectForm form, String bucket) throws OssRefusal {
        if (condition.isObject()) {
            Iterator<String> names = condition.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                JsonNode expected = condition.get(name);
                String actual = value(name, form, bucket);
                if (!expected.isTextual() || actual == null || !expected.asText().equals(actual)) {
                    throw failed(condition);
                }
            }
            return;
        }
        if (!condition.isArray() || condition.size() != 3 || !condition.get(0).isTextual()) {
            throw new OssRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid Condition: " + condition);
        }
        String operator = condition.get(0).asText().toLowerCase(Locale.ROOT);
        if (operator.equals("content-length-range")) {
            long min = condition.get(1).asLong(-1);
            long max = condition.get(2).asLong(-1);
            if (form.file.length < min) {
                throw new OssRefusal(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.");
            }
            if (form.file.length > max) {
                throw new OssRefusal(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size.");
            }
            return;
        }
        String field = condition.get(1).asText();
        if (!field.startsWith("$")) {
            throw new OssRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid Condition: " + condition);
        }
        String actual = value(field.substring(1), form, bucket);
        if (actual == null) {
            throw failed(condition);
        }
        JsonNode expected = condition.get(2);
        boolean holds;
        switch (operator) {
            case "eq":
                holds = expected.isTextual() && expected.asText().equals(actual);
                break;
            case "starts-with":
                holds = expected.isTextual() && actual.startsWith(expected.asText());
                break;
            case "in":
            case "not-in":
                boolean listed = false;
                for (JsonNode one : expected) {
                    listed |= one.asText().equals(actual);
                }
                holds = operator.equals("in") == listed;
                break;
            default:
                throw new OssRefusal(400, "InvalidPolicyDocument", "Invalid Policy: Invalid Condition: " + condition);
        }
        if (!holds) {
            throw failed(condition);
        }
    }

    /** The value a condition names: the bucket, or a form field by case-insensitive name (null when absent). */
    private static String value(String name, PostObjectForm form, String bucket) {
        return name.equalsIgnoreCase("bucket") ? bucket : form.field(name);
    }

    private static OssRefusal failed(JsonNode condition) {
        return new OssRefusal(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed: " + condition);
    }

    private static void requireEqual(String expected, String given) throws OssRefusal {
        if (!OssHmac.matches(expected, given)) {
            throw new OssRefusal(403, "SignatureDoesNotMatch",
                    "The request signature we calculated does not match the signature you provided.");
        }
    }
}
