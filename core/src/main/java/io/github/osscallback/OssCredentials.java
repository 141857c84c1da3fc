package io.github.osscallback;

import java.util.Objects;

/**
 * The Alibaba Cloud credentials a {@link io.github.osscallback.upload.PostPolicy} is signed with,
 * and an {@link ObjectConfirmation} asks OSS with: an AccessKey pair, or the temporary pair and
 * security token an STS {@code AssumeRole} call returns (preferred for browser uploads: scoped and
 * short-lived). The secret and the token are never part of {@link #toString()}; the library sends
 * only signatures made with the secret, never the secret itself.
 */
public final class OssCredentials {

    private final String accessKeyId;
    private final String accessKeySecret;
    private final String securityToken;

    private OssCredentials(String accessKeyId, String accessKeySecret, String securityToken) {
        this.accessKeyId = accessKeyId;
        this.accessKeySecret = accessKeySecret;
        this.securityToken = securityToken;
    }

    /** A long-term AccessKey pair. */
    public static OssCredentials of(String accessKeyId, String accessKeySecret) {
        return new OssCredentials(checkId(accessKeyId), checkSecret(accessKeySecret, "accessKeySecret"), null);
    }

    /**
     * Temporary STS credentials. The security token travels to the browser as the form field
     * {@code x-oss-security-token} (OSS needs it there), so issue tokens of a role that can only
     * put objects where the policy allows.
     */
    public static OssCredentials sts(String accessKeyId, String accessKeySecret, String securityToken) {
        return new OssCredentials(checkId(accessKeyId), checkSecret(accessKeySecret, "accessKeySecret"),
                checkSecret(securityToken, "securityToken"));
    }

    /** The AccessKey ID, which OSS shows in every signed form and is not a secret. */
    public String accessKeyId() {
        return accessKeyId;
    }

    /** True for STS credentials. */
    public boolean isTemporary() {
        return securityToken != null;
    }

    /** The AccessKey secret, for the code that signs with it; never log it. */
    public String accessKeySecret() {
        return accessKeySecret;
    }

    /** The STS security token, or null for an AccessKey pair. */
    public String securityToken() {
        return securityToken;
    }

    private static String checkId(String id) {
        Objects.requireNonNull(id, "accessKeyId");
        // The id is one segment of the V4 credential scope "<id>/<date>/<region>/oss/aliyun_v4_request".
        if (id.isEmpty() || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/')) {
            throw new IllegalArgumentException("accessKeyId must be printable ASCII without spaces or '/', got a"
                    + " string of " + id.length() + " characters");
        }
        return id;
    }

    private static String checkSecret(String value, String name) {
        Objects.requireNonNull(value, name);
        // Not echoed, not even in part: this is the secret.
        if (value.isEmpty() || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(name + " must be non-empty printable ASCII without spaces, got a"
                    + " string of " + value.length() + " characters");
        }
        return value;
    }

    @Override
    public String toString() {
        return "OssCredentials[accessKeyId=" + accessKeyId + (isTemporary() ? ", sts" : "") + "]";
    }
}
