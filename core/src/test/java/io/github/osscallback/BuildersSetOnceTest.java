package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.spi.VerifierSettings;
import io.github.osscallback.upload.CallbackParameters;
import io.github.osscallback.upload.PostPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every builder refuses a second set of one option, naming it, instead of letting one silently win. */
class BuildersSetOnceTest {

    private static final byte[] SECRET = new byte[32];
    private static final UploadTokens TOKENS = UploadTokens.builder().signingKey("k1", SECRET).build();

    static Stream<Arguments> secondSets() {
        return Stream.of(
                verifier("keyUrlPolicy", b -> b.keyUrlPolicy(KeyUrlPolicy.ossDefault())),
                verifier("maxBodyBytes", b -> b.maxBodyBytes(10)),
                verifier("keyFetchTimeout", b -> b.keyFetchTimeout(Duration.ofSeconds(1))),
                verifier("pinnedOssKey", b -> b.pinnedOssKey(false)),
                verifier("expectedBodyType", b -> b.expectedBodyType(BodyType.JSON)),
                verifier("strictBodyParsing", b -> b.strictBodyParsing(true)),
                verifier("clock", b -> b.clock(Clock.systemUTC())),
                verifier("listener", b -> b.listener(new CallbackListener() { })),
                verifier("confirmWithOss", b -> b.confirmWithOss(ObjectConfirmation.builder()
                        .credentials(OssCredentials.of("id", "secret")).region("cn-hangzhou").buckets("b-1").build())),
                confirmation("credentials", b -> b.credentials(OssCredentials.of("id", "secret"))),
                confirmation("region", b -> b.region("cn-hangzhou")),
                confirmation("buckets", b -> b.buckets("b-1")),
                confirmation("endpoint", b -> b.endpoint(java.net.URI.create("https://oss.example.test"))),
                confirmation("internalEndpoint", b -> b.internalEndpoint(true)),
                confirmation("timeout", b -> b.timeout(Duration.ofSeconds(1))),
                confirmation("connectTimeout", b -> b.connectTimeout(Duration.ofSeconds(1))),
                confirmation("maxConcurrentRequests", b -> b.maxConcurrentRequests(2)),
                tokens("expectedBuckets", b -> b.expectedBuckets("a")),
                tokens("clock", b -> b.clock(Clock.systemUTC())),
                tokens("allowedClockSkew", b -> b.allowedClockSkew(Duration.ofSeconds(1))),
                tokens("signingKey", b -> b.signingKey("k1", SECRET)),
                verifier("uploadTokens", b -> b.uploadTokens(TOKENS, ReplayStore.inMemory(1))),
                grant("object or keyPrefix", g -> g.object("a.jpg")),
                grant("object or keyPrefix", g -> g.keyPrefix("a/")),
                grant("subject", g -> g.subject("u")),
                grant("validity", g -> g.validity(Duration.ofMinutes(1))),
                grant("callbackPath", g -> g.callbackPath("/cb")),
                grant("bodyType", g -> g.bodyType(BodyType.FORM)),
                parameters("callbackHost", b -> b.callbackHost("h.example")),
                parameters("callbackBody", b -> b.callbackBody("a=${object}")),
                parameters("bodyType", b -> b.bodyType(BodyType.FORM)),
                parameters("callbackSni", b -> b.callbackSni(true)),
                parameters("custom variable x:a", b -> b.customVariable("x:a", "1")),
                request("method", b -> b.method("POST")),
                request("path", b -> b.path("/cb")),
                request("query", b -> b.query(null)),
                request("body", b -> b.body("a=b".getBytes(StandardCharsets.UTF_8))),
                policy("https://keys.example/", b -> b.allowPrefix("https://keys.example/")),
                postPolicy("credentials", b -> b.credentials(OssCredentials.of("id", "secret"))),
                postPolicy("bucket", b -> b.bucket("demo-bucket")),
                postPolicy("region", b -> b.region("cn-hangzhou")),
                postPolicy("uploadUrl", b -> b.uploadUrl("https://up.example/")),
                postPolicy("objectKey or keyPrefix", b -> b.objectKey("a")),
                postPolicy("objectKey or keyPrefix", b -> b.keyPrefix("a/")),
                postPolicy("contentLengthRange", b -> b.contentLengthRange(0, 1)),
                postPolicy("contentTypes or contentTypePrefix", b -> b.contentTypePrefix("image/")),
                postPolicy("expiry", b -> b.expiresIn(Duration.ofMinutes(1))),
                postPolicy("successActionStatus", b -> b.successActionStatus(201)),
                postPolicy("signatureVersion", b -> b.signatureVersion(PostPolicy.SignatureVersion.V1)),
                postPolicy("clock", b -> b.clock(Clock.systemUTC())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secondSets")
    void secondSetIsRefusedNamingTheOption(String option, Runnable setTwice) {
        IllegalStateException e = assertThrows(IllegalStateException.class, setTwice::run);
        assertTrue(e.getMessage().startsWith(option + " was already set")
                || e.getMessage().equals(option + " is already allowed"), e.getMessage());
    }

    @Test
    void repeatableOptionsStayRepeatable() {
        assertDoesNotThrow(() -> CallbackRequest.builder().path("/cb")
                .header("a", "1").header("a", "2").build());
        assertDoesNotThrow(() -> CallbackParameters.builder()
                .callbackUrl("https://a.example/cb").callbackUrl("https://b.example/cb")
                .callbackBody("a=${object}").build());
        assertDoesNotThrow(() -> KeyUrlPolicy.builder()
                .allowPrefix("https://a.example/").allowPrefix("https://b.example/").build());
        assertDoesNotThrow(() -> UploadTokens.builder()
                .signingKey("k1", SECRET).acceptedKey("k2", SECRET).acceptedKey("k3", SECRET).build());
    }

    @Test
    void samePrefixAcceptingHttpOrNotIsStillTheSamePrefix() {
        assertThrows(IllegalStateException.class, () -> KeyUrlPolicy.builder()
                .allowPrefix("https://a.example/").allowPrefixAcceptingHttp("https://a.example/"));
    }

    @Test
    void aPrefixListedTwiceInSettingsIsABadValueOfThatSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerifierSettings.configure(
                CallbackVerifier.builder(), java.util.Map.of("keyUrlPrefixes", "https://a.example/, https://a.example/")));
        assertTrue(e.getMessage().startsWith("setting keyUrlPrefixes="), e.getMessage());
        assertTrue(e.getMessage().contains("https://a.example/ is already allowed"), e.getMessage());
    }

    @Test
    void anOptionSetInCodeAndInSettingsIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> VerifierSettings.configure(
                CallbackVerifier.builder().maxBodyBytes(10), java.util.Map.of("maxBodyBytes", "20")));
        assertTrue(e.getMessage().startsWith("maxBodyBytes was already set"), e.getMessage());
    }

    private static Arguments verifier(String option, Consumer<CallbackVerifier.Builder> set) {
        return Arguments.of(option, (Runnable) () -> {
            CallbackVerifier.Builder b = CallbackVerifier.builder();
            set.accept(b);
            set.accept(b);
        });
    }

    private static Arguments confirmation(String option, Consumer<ObjectConfirmation.Builder> set) {
        return Arguments.of(option, (Runnable) () -> {
            ObjectConfirmation.Builder b = ObjectConfirmation.builder();
            set.accept(b);
            set.accept(b);
        });
    }

    private static Arguments tokens(String option, Consumer<UploadTokens.Builder> set) {
        return Arguments.of(option, (Runnable) () -> {
            UploadTokens.Builder b = UploadTokens.builder();
            set.accept(b);
            set.accept(b);
        });
    }

    /** A grant is immutable: setting an option on the grant that already has it is the second set. */
    private static Arguments grant(String option, UnaryOperator<UploadTokens.Grant> set) {
        return Arguments.of(option, (Runnable) () -> set.apply(set.apply(TOKENS.grant("photos"))));
    }

    private static Arguments parameters(String option, Consumer<CallbackParameters.Builder> set) {
        return Arguments.of(option, (Runnable) () -> {
            CallbackParameters.Builder b = CallbackParameters.builder();
            set.accept(b);
            set.accept(b);
        });
    }

    private static Arguments request(String option, Consumer<CallbackRequest.Builder> set) {
        return Arguments.of(option, (Runnable) () -> {
            CallbackRequest.Builder b = CallbackRequest.builder();
            set.accept(b);
            set.accept(b);
        });
    }

    private static Arguments policy(String option, Consumer<KeyUrlPolicy.Builder> set) {
        return Arguments.of(option, (Runnable) () -> {
            KeyUrlPolicy.Builder b = KeyUrlPolicy.builder();
            set.accept(b);
            set.accept(b);
        });
    }

    private static Arguments postPolicy(String option, Consumer<PostPolicy.Builder> set) {
        return Arguments.of(option, (Runnable) () -> {
            PostPolicy.Builder b = PostPolicy.builder();
            set.accept(b);
            set.accept(b);
        });
    }
}
