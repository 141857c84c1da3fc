package io.github.osscallback.examples;

import io.github.osscallback.BodyType;
import io.github.osscallback.OssCredentials;
import io.github.osscallback.UploadTokens;
import io.github.osscallback.upload.CallbackParameters;
import io.github.osscallback.upload.PostPolicy;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

/**
 * The browser direct-upload recipe: each policy lets one browser put one file under a fresh
 * folder of the demo bucket, straight to OSS, and makes OSS call {@code /upload/callback} with an
 * upload token bound to that folder, that path and a form body, so the callback is verified and tied
 * to exactly that upload, once.
 */
final class DirectUpload {

    /** Environment variables holding the credentials, as OSS's SDKs name them. */
    static final String ENV_ID = "OSS_ACCESS_KEY_ID";
    static final String ENV_SECRET = "OSS_ACCESS_KEY_SECRET";
    static final String ENV_TOKEN = "OSS_SESSION_TOKEN";
    /** Who the demo's uploads are for; a real application puts its signed-in user here. */
    static final String SUBJECT = "demo-user";
    static final String CALLBACK_PATH = "/upload/callback";
    static final long MAX_BYTES = 10L * 1024 * 1024;
    static final Duration POLICY_VALIDITY = Duration.ofMinutes(10);
    /** How long an upload may take after its policy expires and still have its callback accepted. */
    static final Duration LONGEST_UPLOAD = Duration.ofHours(1);

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String uploadUrl;
    private final String bucket;
    private final String region;
    private final OssCredentials credentials;
    private final UploadTokens tokens;
    private final Clock clock;
    private volatile String callbackBase;

    DirectUpload(String uploadUrl, String bucket, String region, OssCredentials credentials, Clock clock) {
        this.uploadUrl = Objects.requireNonNull(uploadUrl, "uploadUrl");
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.region = Objects.requireNonNull(region, "region");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = clock;
        // A bad bucket, region or URL is reported at start-up, not on the first request.
        PostPolicy.builder().bucket(bucket).region(region).uploadUrl(uploadUrl);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        this.tokens = UploadTokens.builder().signingKey("demo", secret).expectedBuckets(bucket).clock(clock).build();
    }

    /** The credentials from {@value #ENV_ID}, {@value #ENV_SECRET} and, for STS, {@value #ENV_TOKEN}. */
    static OssCredentials credentialsFrom(Map<String, String> env) {
        String id = env.get(ENV_ID);
        String secret = env.get(ENV_SECRET);
        if (id == null || secret == null) {
            throw new IllegalArgumentException("--upload-url needs the credentials to sign policies with in the"
                    + " environment: " + ENV_ID + " and " + ENV_SECRET + " (and " + ENV_TOKEN + " for STS)");
        }
        String token = env.get(ENV_TOKEN);
        return token == null || token.isEmpty() ? OssCredentials.of(id, secret) : OssCredentials.sts(id, secret, token);
    }

    /** The tokens the callback endpoint's verifier checks. */
    UploadTokens tokens() {
        return tokens;
    }

    /** Where the browser posts. */
    String uploadUrl() {
        return uploadUrl;
    }

    /** Where OSS calls back: this server's address as OSS reaches it. */
    void callbackBase(String base) {
        String trimmed = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        CallbackParameters.builder().callbackUrl(trimmed + CALLBACK_PATH); // refuses what OSS cannot call
        this.callbackBase = trimmed;
    }

    /** A signed policy for one file under a fresh folder, with the callback and its upload token. */
    PostPolicy issue() {
        String folder = "uploads/" + HexFormat.of().formatHex(randomBytes(8)) + "/";
        String callbackUrl = callbackBase + CALLBACK_PATH;
        // Good for one callback, to this endpoint, with a form body: a token copied from the page can
        // vouch for nothing else.
        String token = tokens.grant(bucket).keyPrefix(folder).subject(SUBJECT)
                .validity(POLICY_VALIDITY.plus(LONGEST_UPLOAD))
                .callbackPath(URI.create(callbackUrl).getPath()).bodyType(BodyType.FORM)
                .issue();
        CallbackParameters callback = CallbackParameters.builder()
                .callbackUrl(callbackUrl)
                .callbackBody("bucket=${bucket}&object=${object}&size=${size}&mimeType=${mimeType}&note=${x:note}")
                .customVariable("x:note", "sent from the demo page")
                .uploadToken(token)
                .build();
        return PostPolicy.builder()
                .credentials(credentials)
                .bucket(bucket)
                .region(region)
                .uploadUrl(uploadUrl)
                .keyPrefix(folder)
                .contentLengthRange(1, MAX_BYTES)
                .expiresIn(POLICY_VALIDITY)
                .callback(callback)
                .clock(clock)
                .build();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
