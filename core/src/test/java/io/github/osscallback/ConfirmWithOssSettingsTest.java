package io.github.osscallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.spi.VerifierSettings;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssStandIn;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code confirmWithOss*} settings: the check configured from strings, with credentials from
 * the environment only (a setting's value may end up in a log; an environment variable's does not).
 */
class ConfirmWithOssSettingsTest {

    private static final String SECRET = "settingsSecret0123456789abcdefAB";
    private static final Map<String, String> ENVIRONMENT = Map.of("OSS_ACCESS_KEY_ID", "LTAI5tSettings",
            "OSS_ACCESS_KEY_SECRET", SECRET);

    private static CallbackVerifier.Builder apply(Map<String, String> settings, Map<String, String> environment) {
        return VerifierSettings.configure(CallbackVerifier.builder(), settings, environment);
    }

    private static Map<String, String> settings(String... pairs) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return settings;
    }

    @Test
    void theSettingsTurnOnACheckThatAsksOss() throws Exception {
        OssCallbackSigner oss = OssCallbackSigner.generate();
        try (OssStandIn standIn = OssStandIn.builder().buckets("photos").accessKey("LTAI5tSettings", SECRET).start()) {
            standIn.putObject("photos", "a.txt", "abc".getBytes(StandardCharsets.UTF_8), "text/plain");
            CallbackVerifier.Builder builder = apply(settings(
                    "keyUrlPrefixes", "https://keys.test/",
                    "confirmWithOssBuckets", "photos, videos",
                    "confirmWithOssRegion", "cn-hangzhou",
                    "confirmWithOssEndpoint", standIn.endpoint().toString(),
                    "confirmWithOssTimeoutMillis", "60000",
                    "confirmWithOssMaxConcurrentRequests", "2"), ENVIRONMENT);
            try (CallbackVerifier v = builder.pinKey("https://keys.test/k.pem", oss.publicKeyPem())
                    .remoteKeyFetching(false).build()) {
                ObjectConfirmation config = v.objectCheck().config();
                assertEquals(java.util.Set.of("photos", "videos"), config.buckets());
                assertEquals(Duration.ofSeconds(60), config.timeout());
                assertEquals(2, config.maxConcurrentRequests());
                v.verify(oss.request("https://keys.test/k.pem", "/cb", null, null,
                        "bucket=photos&object=a.txt&size=3".getBytes(StandardCharsets.UTF_8)).build());
                CallbackRejectedException missing = assertThrows(CallbackRejectedException.class,
                        () -> v.verify(oss.request("https://keys.test/k.pem", "/cb", null, null,
                                "bucket=photos&object=b.txt".getBytes(StandardCharsets.UTF_8)).build()));
                assertEquals(CallbackRejectedException.Reason.OBJECT_NOT_CONFIRMED, missing.reason());
            }
        }
    }

    @Test
    void theEndpointSettingTakesPublicInternalOrAUrl() {
        Map<String, URI> expected = Map.of(
                "public", URI.create("https://oss-cn-beijing.aliyuncs.com"),
                "internal", URI.create("https://oss-cn-beijing-internal.aliyuncs.com"),
                "https://oss.example.test", URI.create("https://oss.example.test"));
        expected.forEach((value, endpoint) -> {
            try (CallbackVerifier v = apply(settings("confirmWithOssBuckets", "photos", "confirmWithOssRegion",
                    "cn-beijing", "confirmWithOssEndpoint", value), ENVIRONMENT).build()) {
                assertEquals(endpoint, v.objectCheck().config().endpoint(), value);
            }
        });
        try (CallbackVerifier v = apply(settings("confirmWithOssBuckets", "photos", "confirmWithOssRegion",
                "cn-beijing"), ENVIRONMENT).build()) {
            assertEquals(URI.create("https://oss-cn-beijing.aliyuncs.com"), v.objectCheck().config().endpoint());
        }
    }

    @Test
    void optionsWithoutBucketsAndBucketsWithoutARegionAreRefused() {
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> apply(settings("confirmWithOssRegion", "cn-hangzhou"), ENVIRONMENT));
        assertEquals("confirmWithOssRegion needs confirmWithOssBuckets", alone.getMessage());
        IllegalArgumentException noRegion = assertThrows(IllegalArgumentException.class,
                () -> apply(settings("confirmWithOssBuckets", "photos"), ENVIRONMENT));
        assertTrue(noRegion.getMessage().contains("needs confirmWithOssRegion"), noRegion.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> apply(settings("confirmWithOssBuckets", " , ", "confirmWithOssRegion", "cn-hangzhou"), ENVIRONMENT));
        assertTrue(empty.getMessage().startsWith("setting confirmWithOssBuckets="), empty.getMessage());
    }

    @Test
    void badValuesAreRefusedNamingTheSetting() {
        Map<String, String> bad = Map.of(
                "confirmWithOssEndpoint", "http://oss.example.test",
                "confirmWithOssTimeoutMillis", "soon",
                "confirmWithOssMaxConcurrentRequests", "0",
                "confirmWithOssRegion", "CN_HANGZHOU");
        bad.forEach((name, value) -> {
            Map<String, String> settings = settings("confirmWithOssBuckets", "photos", "confirmWithOssRegion",
                    "cn-hangzhou");
            settings.put(name, value);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> apply(settings, ENVIRONMENT), name);
            assertTrue(e.getMessage().startsWith("setting " + name + "="), e.getMessage());
        });
        IllegalArgumentException bucket = assertThrows(IllegalArgumentException.class, () -> apply(
                settings("confirmWithOssBuckets", "Not_A_Bucket", "confirmWithOssRegion", "cn-hangzhou"), ENVIRONMENT));
        assertTrue(bucket.getMessage().startsWith("setting confirmWithOssBuckets="), bucket.getMessage());
    }

    @Test
    void credentialsComeOnlyFromTheEnvironmentAndAreNeverQuoted() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> apply(
                settings("confirmWithOssBuckets", "photos", "confirmWithOssRegion", "cn-hangzhou"), Map.of()));
        assertTrue(none.getMessage().contains("OSS_ACCESS_KEY_ID and OSS_ACCESS_KEY_SECRET"), none.getMessage());
        IllegalArgumentException unusable = assertThrows(IllegalArgumentException.class, () -> apply(
                settings("confirmWithOssBuckets", "photos", "confirmWithOssRegion", "cn-hangzhou"),
                Map.of("OSS_ACCESS_KEY_ID", "LTAI5tSettings", "OSS_ACCESS_KEY_SECRET", "two words " + SECRET)));
        assertFalse(unusable.getMessage().contains(SECRET), unusable.getMessage());
        try (CallbackVerifier v = apply(settings("confirmWithOssBuckets", "photos", "confirmWithOssRegion",
                "cn-hangzhou"), Map.of("OSS_ACCESS_KEY_ID", "STS.settings", "OSS_ACCESS_KEY_SECRET", SECRET,
                "OSS_SESSION_TOKEN", "sessionToken")).build()) {
            assertTrue(v.objectCheck().config().credentials().get().isTemporary());
            assertFalse(v.objectCheck().toString().contains(SECRET));
            assertFalse(v.objectCheck().toString().contains("sessionToken"));
        }
    }
}
