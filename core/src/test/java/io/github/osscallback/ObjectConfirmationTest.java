package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BUCKET_NOT_ALLOWED;
import static io.github.osscallback.CallbackRejectedException.Reason.OBJECT_NOT_CONFIRMED;
import static io.github.osscallback.CallbackRejectedException.Reason.OSS_UNAVAILABLE;
import static io.github.osscallback.CallbackRejectedException.Reason.REPLAYED;
import static io.github.osscallback.CallbackRejectedException.Reason.SIGNATURE_MISMATCH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.testing.OssStandIn;
import io.github.osscallback.testing.StoredObject;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code confirmWithOss}: a callback is accepted only when OSS (here {@link OssStandIn} on
 * loopback, checking the V4 signature of every request) says the object exists as the callback
 * describes it. Slowness is a hold in the stand-in that the test lifts only after the verifier
 * gave up, so no timing decides an outcome.
 */
class ObjectConfirmationTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final String ID = "LTAI5tConfirm";
    private static final String SECRET = "confirmSecret0123456789abcdefABCD";
    private static final byte[] CAT = "a cat picture, or near enough".getBytes(StandardCharsets.UTF_8);

    private final OssCallbackSigner oss = OssCallbackSigner.generate();
    private OssStandIn standIn;
    private StoredObject cat;

    @BeforeEach
    void start() throws Exception {
        standIn = OssStandIn.builder().buckets("photos", "other-bucket").accessKey(ID, SECRET).start();
        cat = standIn.putObject("photos", "users/42/cat.jpg", CAT, "image/jpeg");
        standIn.putObject("other-bucket", "users/42/cat.jpg", CAT, "image/jpeg");
    }

    @AfterEach
    void stop() {
        standIn.close();
    }

    /**
     * A check whose timeout decides nothing: the first request of a cold JVM loads the HTTP
     * client's classes, which on a busy machine can take most of the default 1.5 s.
     */
    private ObjectConfirmation.Builder confirmation() {
        return confirmation(Duration.ofSeconds(60));
    }

    private ObjectConfirmation.Builder confirmation(Duration timeout) {
        return ObjectConfirmation.builder()
                .credentials(OssCredentials.of(ID, SECRET))
                .region("cn-hangzhou")
                .endpoint(standIn.endpoint())
                .buckets("photos")
                .timeout(timeout);
    }

    private CallbackVerifier verifier(ObjectConfirmation confirmation) {
        return builder().confirmWithOss(confirmation).build();
    }

    private CallbackVerifier.Builder builder() {
        return CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, oss.publicKeyPem())
                .remoteKeyFetching(false);
    }

    private CallbackRequest callback(String body) {
        return oss.request(KEY_URL, "/cb", null, null, body.getBytes(StandardCharsets.UTF_8)).build();
    }

    /** A form body with the object's own values, as OSS renders {@code bucket=${bucket}&...}. */
    private static String genuineBody(StoredObject object) {
        return "bucket=" + object.bucket() + "&object=" + URLEncoder.encode(object.key(), StandardCharsets.UTF_8)
                + "&size=" + object.size() + "&etag=" + object.etag() + "&mimeType="
                + URLEncoder.encode(object.contentType(), StandardCharsets.UTF_8);
    }

    private List<String> heads() {
        return standIn.requests().stream().filter(r -> r.startsWith("HEAD ")).collect(Collectors.toList());
    }

    private static CallbackRejectedException.Reason reasonOf(CallbackVerifier v, CallbackRequest request) {
        return assertThrows(CallbackRejectedException.class, () -> v.verify(request)).reason();
    }

    @Test
    void acceptsWhenTheObjectExistsWithTheCallbacksSizeEtagAndType() throws Exception {
        try (CallbackVerifier v = verifier(confirmation().build())) {
            OssCallback accepted = v.verify(callback(genuineBody(cat)));
            assertEquals("users/42/cat.jpg", accepted.object().orElseThrow());
        }
        assertEquals(List.of("HEAD /photos/users/42/cat.jpg"), heads());
    }

    @Test
    void acceptsAnExistingObjectWhenTheCallbackCarriesNoSizeEtagOrType() throws Exception {
        try (CallbackVerifier v = verifier(confirmation().build())) {
            v.verify(callback("bucket=photos&object=users%2F42%2Fcat.jpg"));
        }
    }

    @Test
    void refusesAnObjectOssDoesNotHave() throws Exception {
        try (CallbackVerifier v = verifier(confirmation().build())) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> v.verify(callback("bucket=photos&object=users%2F42%2Fnever-uploaded.jpg&size=5")));
            assertEquals(OBJECT_NOT_CONFIRMED, e.reason());
            assertEquals(403, e.reason().httpStatus());
            assertEquals("object_not_confirmed", e.reason().code());
            assertTrue(e.getMessage().contains("404"), e.getMessage());
            assertFalse(e.getMessage().contains("never-uploaded"), "body values stay out of messages: " + e.getMessage());
        }
    }

    static Stream<Arguments> mismatches() {
        return Stream.of(
                Arguments.of("size", (UnaryOperator<String>) body -> body.replaceFirst("size=\\d+", "size=1")),
                Arguments.of("size that is not a number", (UnaryOperator<String>) body -> body.replaceFirst("size=\\d+",
                        "size=lots")),
                Arguments.of("etag", (UnaryOperator<String>) body -> body.replaceFirst("etag=[0-9A-F]+",
                        "etag=00000000000000000000000000000000")),
                Arguments.of("mimeType", (UnaryOperator<String>) body -> body.replaceFirst("mimeType=[^&]+",
                        "mimeType=application%2Fpdf")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mismatches")
    void refusesAnObjectWhoseAttributesDifferFromTheCallback(String field, UnaryOperator<String> change)
            throws Exception {
        try (CallbackVerifier v = verifier(confirmation().build())) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> v.verify(callback(change.apply(genuineBody(cat)))));
            assertEquals(OBJECT_NOT_CONFIRMED, e.reason());
        }
    }

    @Test
    void comparesEtagsWithoutQuotesAndInEitherCase() throws Exception {
        try (CallbackVerifier v = verifier(confirmation().build())) {
            v.verify(callback("bucket=photos&object=users%2F42%2Fcat.jpg&etag=" + cat.etag().toLowerCase()));
            v.verify(callback("bucket=photos&object=users%2F42%2Fcat.jpg&etag=%22" + cat.etag() + "%22"));
        }
    }

    @Test
    void readsTheFieldsTheVerifierMapsAndJsonBodies() throws Exception {
        try (CallbackVerifier v = builder().bodyField(SystemVariable.OBJECT, "filename")
                .bodyField(SystemVariable.SIZE, "length").confirmWithOss(confirmation().build()).build()) {
            OssCallback accepted = v.verify(oss.request(KEY_URL, "/cb", null, "application/json",
                    ("{\"bucket\":\"photos\",\"filename\":\"users/42/cat.jpg\",\"length\":" + cat.size() + "}")
                            .getBytes(StandardCharsets.UTF_8)).build());
            assertEquals(cat.size(), accepted.size().getAsLong());
            assertEquals(OBJECT_NOT_CONFIRMED, reasonOf(v, oss.request(KEY_URL, "/cb", null, "application/json",
                    "{\"bucket\":\"photos\",\"filename\":\"users/42/cat.jpg\",\"length\":2}"
                            .getBytes(StandardCharsets.UTF_8)).build()));
        }
    }

    @Test
    void keysThatNeedEncodingReachTheSameObject() throws Exception {
        StoredObject odd = standIn.putObject("photos", "dir one/a+b*c~d%e 中文 é😀.txt",
                "x".getBytes(StandardCharsets.UTF_8), "text/plain");
        try (CallbackVerifier v = verifier(confirmation().build())) {
            v.verify(callback(genuineBody(odd)));
        }
    }

    @Test
    void refusesABucketThatIsNotConfiguredWithoutAskingOss() throws Exception {
        try (CallbackVerifier v = verifier(confirmation().build())) {
            // The object exists there: an attacker's own bucket would "confirm" whatever they upload to it.
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> v.verify(callback("bucket=other-bucket&object=users%2F42%2Fcat.jpg")));
            assertEquals(BUCKET_NOT_ALLOWED, e.reason());
            assertEquals(OBJECT_NOT_CONFIRMED, reasonOf(v, callback("object=users%2F42%2Fcat.jpg")));
        }
        assertEquals(List.of(), heads());
    }

    @Test
    void refusesKeysNoObjectCouldHaveOrThatAPathCouldNormaliseWithoutAskingOss() throws Exception {
        try (CallbackVerifier v = verifier(confirmation().build())) {
            for (String object : List.of("users/42/../43/secret.pdf", "./cat.jpg", "users/42/..", "%2Fetc%2Fpasswd",
                    "a".repeat(1024))) {
                assertEquals(OBJECT_NOT_CONFIRMED, reasonOf(v, callback("bucket=photos&object="
                        + object.replace("/", "%2F"))), object);
            }
            assertEquals(OBJECT_NOT_CONFIRMED, reasonOf(v, oss.request(KEY_URL, "/cb", null, "application/json",
                    "{\"bucket\":\"photos\",\"object\":\"a\\ud800b\"}".getBytes(StandardCharsets.UTF_8)).build()));
            assertEquals(OBJECT_NOT_CONFIRMED, reasonOf(v, callback("bucket=photos")));
        }
        assertEquals(List.of(), heads());
    }

    @Test
    void refusesWhenOssRefusesTheCredentials() throws Exception {
        // OSS's 403 is not a confirmation, and unlike an outage it does not pass: object_not_confirmed,
        // with the status in the message for the operator.
        try (CallbackVerifier v = verifier(ObjectConfirmation.builder().credentials(OssCredentials.of(ID, SECRET + "x"))
                .region("cn-hangzhou").endpoint(standIn.endpoint()).buckets("photos").timeout(Duration.ofSeconds(60)).build())) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> v.verify(callback(genuineBody(cat))));
            assertEquals(OBJECT_NOT_CONFIRMED, e.reason());
            assertTrue(e.getMessage().contains("403"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        }
        assertEquals(1, heads().size(), "OSS was asked, and said no");
    }

    @Test
    void sendsTheStsSecurityTokenSignedWithTheRequest() throws Exception {
        try (OssStandIn sts = OssStandIn.builder().buckets("photos").accessKey("STS.id", SECRET)
                .securityToken("CAIS+token/with=chars").start()) {
            StoredObject object = sts.putObject("photos", "a.txt", CAT, "text/plain");
            ObjectConfirmation.Builder withToken = ObjectConfirmation.builder().region("cn-hangzhou")
                    .endpoint(sts.endpoint()).buckets("photos").timeout(Duration.ofSeconds(60))
                    .credentials(OssCredentials.sts("STS.id", SECRET, "CAIS+token/with=chars"));
            try (CallbackVerifier v = verifier(withToken.build())) {
                v.verify(callback(genuineBody(object)));
            }
            ObjectConfirmation.Builder withoutToken = ObjectConfirmation.builder().region("cn-hangzhou")
                    .endpoint(sts.endpoint()).buckets("photos").timeout(Duration.ofSeconds(60))
                    .credentials(OssCredentials.of("STS.id", SECRET));
            try (CallbackVerifier v = verifier(withoutToken.build())) {
                assertEquals(OBJECT_NOT_CONFIRMED, reasonOf(v, callback(genuineBody(object))));
            }
        }
    }

    @Test
    void asksTheProviderForCredentialsAtEveryCheckSoTheyCanRotate() throws Exception {
        AtomicReference<OssCredentials> current = new AtomicReference<>(OssCredentials.of(ID, "expiredSecret"));
        ObjectConfirmation rotating = ObjectConfirmation.builder().credentials(current::get).region("cn-hangzhou")
                .endpoint(standIn.endpoint()).buckets("photos").timeout(Duration.ofSeconds(60)).build();
        try (CallbackVerifier v = verifier(rotating)) {
            assertEquals(OBJECT_NOT_CONFIRMED, reasonOf(v, callback(genuineBody(cat))));
            current.set(OssCredentials.of(ID, SECRET));
            v.verify(callback(genuineBody(cat)));
            current.set(null);
            assertEquals(OSS_UNAVAILABLE, reasonOf(v, callback(genuineBody(cat))));
        }
        ObjectConfirmation failing = ObjectConfirmation.builder().credentials(() -> {
            throw new IllegalStateException("STS said no: " + SECRET);
        }).region("cn-hangzhou").endpoint(standIn.endpoint()).buckets("photos").build();
        try (CallbackVerifier v = verifier(failing)) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> v.verify(callback(genuineBody(cat))));
            assertEquals(OSS_UNAVAILABLE, e.reason());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        }
    }

    @Test
    void ossSlowerThanTheTimeoutIsUnavailable() throws Exception {
        try (CallbackVerifier v = verifier(confirmation(Duration.ofMillis(300)).build());
             OssStandIn.Hold hold = standIn.holdObjectReads()) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> v.verify(callback(genuineBody(cat))));
            assertEquals(OSS_UNAVAILABLE, e.reason());
            assertEquals(503, e.reason().httpStatus());
            assertEquals("oss_unavailable", e.reason().code());
            assertEquals(1, hold.held(), "the request reached OSS, which had not answered when the verifier gave up");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serverErrors")
    void ossAnswering5xxIsUnavailable(int status) throws Exception {
        standIn.failObjectReads(status);
        try (CallbackVerifier v = verifier(confirmation().build())) {
            CallbackRejectedException e = assertThrows(CallbackRejectedException.class,
                    () -> v.verify(callback(genuineBody(cat))));
            assertEquals(OSS_UNAVAILABLE, e.reason());
            assertTrue(e.getMessage().contains(String.valueOf(status)), e.getMessage());
        }
    }

    static Stream<Integer> serverErrors() {
        return Stream.of(500, 503);
    }

    @Test
    void ossThatCannotBeReachedIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        ObjectConfirmation unreachable = ObjectConfirmation.builder().credentials(OssCredentials.of(ID, SECRET))
                .region("cn-hangzhou").endpoint(URI.create("http://127.0.0.1:" + closedPort)).buckets("photos").build();
        try (CallbackVerifier v = verifier(unreachable)) {
            assertEquals(OSS_UNAVAILABLE, reasonOf(v, callback(genuineBody(cat))));
        }
    }

    @Test
    void checksBeyondTheConcurrencyBoundAreRefusedAtOnce() throws Exception {
        CallbackVerifier v = verifier(confirmation().maxConcurrentRequests(1).build());
        try (v; OssStandIn.Hold hold = standIn.holdObjectReads()) {
            CompletableFuture<OssCallback> first = CompletableFuture.supplyAsync(() -> {
                try {
                    return v.verify(callback(genuineBody(cat)));
                } catch (CallbackRejectedException e) {
                    throw new IllegalStateException(e.reason().code(), e);
                }
            });
            assertTrue(hold.awaitHeld(Duration.ofSeconds(30)), "the first check reached OSS");
            assertEquals(OSS_UNAVAILABLE, reasonOf(v, callback(genuineBody(cat))));
            assertEquals(1, hold.held(), "the second check never reached OSS");
            hold.release();
            assertEquals("users/42/cat.jpg", first.get(30, TimeUnit.SECONDS).object().orElseThrow());
        }
    }

    @Test
    void runsOnlyAfterTheSignatureAndReplayChecks() throws Exception {
        try (CallbackVerifier v = builder().replayProtection(Duration.ofMinutes(5))
                .confirmWithOss(confirmation().build()).build()) {
            CallbackRequest genuine = callback(genuineBody(cat));
            CallbackRequest forged = CallbackRequest.builder().method("POST").path("/cb")
                    .header("authorization", genuine.header("authorization"))
                    .header("x-oss-pub-key-url", genuine.header("x-oss-pub-key-url"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body((genuineBody(cat) + "&x=1").getBytes(StandardCharsets.UTF_8)).build();
            assertEquals(SIGNATURE_MISMATCH, reasonOf(v, forged));
            v.verify(genuine);
            assertEquals(REPLAYED, reasonOf(v, genuine));
        }
        assertEquals(1, heads().size(), "only the genuine first delivery was confirmed");
    }

    @Test
    void closingEndsAWaitingCheckAndTheThreads() throws Exception {
        CallbackVerifier v = verifier(confirmation().build());
        try (OssStandIn.Hold hold = standIn.holdObjectReads()) {
            CompletableFuture<OssCallback> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return v.verify(callback(genuineBody(cat)));
                } catch (CallbackRejectedException e) {
                    throw new IllegalStateException(e.reason().code(), e);
                }
            });
            assertTrue(hold.awaitHeld(Duration.ofSeconds(30)));
            v.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(30, TimeUnit.SECONDS));
            assertEquals("oss_unavailable", e.getCause().getMessage());
        }
        for (Thread t : v.objectCheck().threads()) {
            t.join(TimeUnit.SECONDS.toMillis(10));
            assertFalse(t.isAlive(), t.getName());
        }
        assertEquals(OSS_UNAVAILABLE, reasonOf(v, callback(genuineBody(cat))));
    }

    @Test
    void aVerifierWithoutTheCheckHasNone() {
        try (CallbackVerifier v = builder().build()) {
            assertEquals(null, v.objectCheck());
        }
    }

    // ---- configuration ----

    @Test
    void theEndpointIsTheRegionsOrItsInternalOne() {
        ObjectConfirmation.Builder base = ObjectConfirmation.builder().credentials(OssCredentials.of(ID, SECRET))
                .buckets("photos");
        ObjectConfirmation publicOne = base.region("cn-shanghai").build();
        assertEquals(URI.create("https://oss-cn-shanghai.aliyuncs.com"), publicOne.endpoint());
        assertEquals(URI.create("https://photos.oss-cn-shanghai.aliyuncs.com/users/42/a%20b%2Bc.jpg"),
                publicOne.objectUri("photos", "users/42/a b+c.jpg"));
        ObjectConfirmation internal = ObjectConfirmation.builder().credentials(OssCredentials.of(ID, SECRET))
                .buckets("photos").region("cn-shanghai").internalEndpoint(true).build();
        assertEquals(URI.create("https://oss-cn-shanghai-internal.aliyuncs.com"), internal.endpoint());
        ObjectConfirmation own = ObjectConfirmation.builder().credentials(OssCredentials.of(ID, SECRET))
                .buckets("photos").region("cn-shanghai").endpoint(URI.create("https://oss.example.test:8443/")).build();
        assertEquals(URI.create("https://photos.oss.example.test:8443/k"), own.objectUri("photos", "k"));
        assertEquals(URI.create("http://127.0.0.1:9/photos/k"), ObjectConfirmation.builder()
                .credentials(OssCredentials.of(ID, SECRET)).buckets("photos").region("cn-shanghai")
                .endpoint(URI.create("http://127.0.0.1:9")).build().objectUri("photos", "k"));
    }

    @Test
    void refusesIncompleteOrContradictoryConfiguration() {
        assertThrows(IllegalStateException.class, () -> ObjectConfirmation.builder().region("cn-hangzhou")
                .credentials(OssCredentials.of(ID, SECRET)).build());
        assertThrows(IllegalStateException.class, () -> ObjectConfirmation.builder().buckets("photos")
                .credentials(OssCredentials.of(ID, SECRET)).build());
        assertThrows(IllegalStateException.class, () -> ObjectConfirmation.builder().buckets("photos")
                .region("cn-hangzhou").build());
        assertThrows(IllegalStateException.class, () -> ObjectConfirmation.builder().buckets()
                .region("cn-hangzhou").credentials(OssCredentials.of(ID, SECRET)).build());
        assertThrows(IllegalStateException.class, () -> ObjectConfirmation.builder().buckets("photos")
                .region("cn-hangzhou").credentials(OssCredentials.of(ID, SECRET)).internalEndpoint(true)
                .endpoint(URI.create("https://oss.example.test")).build());
        assertThrows(IllegalStateException.class, () -> ObjectConfirmation.builder().buckets("photos")
                .region("cn-hangzhou").credentials(OssCredentials.of(ID, SECRET)).timeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofSeconds(1)).build());
        assertThrows(IllegalArgumentException.class, () -> ObjectConfirmation.builder().buckets("Photos_1"));
        assertThrows(IllegalArgumentException.class, () -> ObjectConfirmation.builder().region("cn hangzhou"));
        for (String endpoint : List.of("http://oss.example.test", "http://10.0.0.1", "https://oss.example.test/path",
                "https://user@oss.example.test", "https://oss.example.test?q", "ftp://127.0.0.1")) {
            assertThrows(IllegalArgumentException.class,
                    () -> ObjectConfirmation.builder().endpoint(URI.create(endpoint)), endpoint);
        }
    }

    @Test
    void theConnectTimeoutDefaultsToNoMoreThanTheTimeout() {
        ObjectConfirmation shortOne = ObjectConfirmation.builder().buckets("photos").region("cn-hangzhou")
                .credentials(OssCredentials.of(ID, SECRET)).timeout(Duration.ofMillis(400)).build();
        assertEquals(Duration.ofMillis(400), shortOne.connectTimeout());
        ObjectConfirmation defaults = ObjectConfirmation.builder().buckets("photos").region("cn-hangzhou")
                .credentials(OssCredentials.of(ID, SECRET)).build();
        assertEquals(ObjectConfirmation.DEFAULT_TIMEOUT, defaults.timeout());
        assertEquals(ObjectConfirmation.DEFAULT_CONNECT_TIMEOUT, defaults.connectTimeout());
        assertEquals(ObjectConfirmation.DEFAULT_MAX_CONCURRENT_REQUESTS, defaults.maxConcurrentRequests());
    }

    @Test
    void credentialsFromTheEnvironmentAreNamedNeverShown() {
        ObjectConfirmation sts = ObjectConfirmation.builder().buckets("photos").region("cn-hangzhou")
                .credentialsFromEnvironment(Map.of("OSS_ACCESS_KEY_ID", ID, "OSS_ACCESS_KEY_SECRET", SECRET,
                        "OSS_SESSION_TOKEN", "tokenValue")).build();
        assertTrue(sts.credentials().get().isTemporary());
        assertTrue(sts.toString().contains("OSS_SESSION_TOKEN"), sts.toString());
        assertFalse(sts.toString().contains(SECRET) || sts.toString().contains("tokenValue"), sts.toString());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ObjectConfirmation.builder().credentialsFromEnvironment(Map.of("OSS_ACCESS_KEY_SECRET", SECRET)));
        assertTrue(missing.getMessage().contains("OSS_ACCESS_KEY_ID"), missing.getMessage());
        assertFalse(missing.getMessage().contains(SECRET), missing.getMessage());
        IllegalArgumentException unusable = assertThrows(IllegalArgumentException.class,
                () -> ObjectConfirmation.builder().credentialsFromEnvironment(Map.of("OSS_ACCESS_KEY_ID", ID,
                        "OSS_ACCESS_KEY_SECRET", "with space " + SECRET)));
        assertFalse(unusable.getMessage().contains(SECRET), unusable.getMessage());
    }
}
