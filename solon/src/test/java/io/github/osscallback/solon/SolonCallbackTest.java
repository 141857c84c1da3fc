package io.github.osscallback.solon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.fixtures.ReadingViews;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The plugin in a real Solon application on smart-http (solon-web's server), over real HTTP:
 * what OSS sends, what an attacker sends, and the Solon styles an application naturally writes.
 */
class SolonCallbackTest {

    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";
    static int port;

    @BeforeAll
    static void start() throws Exception {
        port = TestApplication.start();
    }

    @BeforeEach
    void forget() {
        TestApplication.HANDLED.clear();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static RawHttp.Response post(String target, Map<String, String> headers, byte[] body) throws Exception {
        return RawHttp.post(port, target, headers, body);
    }

    static void assertExactLength(RawHttp.Response response) {
        assertEquals("", response.header("transfer-encoding"), "OSS needs a Content-Length, not chunks");
        assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length),
                response.header("content-length"));
    }

    @Test
    void runsOnSmartHttp() throws Exception {
        byte[] body = bytes("bucket=photos&object=a.jpg");
        post("/oss/callback/reply", TestApplication.signed("/oss/callback/reply", FORM, body), body);
        OssCallback callback = (OssCallback) TestApplication.HANDLED.get(0);
        assertTrue(callback.path().startsWith("/oss/callback/"));
        assertEquals("org.noear.solon.server.smarthttp.integration.SmHttpPlugin",
                org.noear.solon.Solon.cfg().plugins().stream().map(p -> p.getClassName())
                        .filter(n -> n != null && n.startsWith("org.noear.solon.server.")).findFirst().orElse(null));
    }

    @Test
    void genuineFormCallbackReachesAnActionTakingOssCallbackAfterAnApplicationFilterReadItsParameters() throws Exception {
        byte[] body = bytes("bucket=photos&object=a%2Fb.jpg&size=42");
        RawHttp.Response response = post("/oss/callback/reply", TestApplication.signed("/oss/callback/reply", FORM, body), body);
        assertEquals(200, response.status(), response.body());
        assertEquals("{\"object\":\"a/b.jpg\"}", response.body());
        assertEquals("application/json", response.header("content-type"));
        assertExactLength(response);
        OssCallback callback = (OssCallback) TestApplication.HANDLED.get(0);
        assertEquals("photos", callback.bucket().orElseThrow());
        assertEquals(42, callback.size().orElseThrow());
        // The application's filter read all three form parameters, and the callback still verified.
        assertEquals(3, TestApplication.PARAMETERS_SEEN_EARLY.get());
    }

    @Test
    void anActionReturningAMapAnswersWithAnExactContentLength() throws Exception {
        byte[] body = bytes("bucket=photos&object=e.jpg");
        RawHttp.Response response = post("/oss/callback/map", TestApplication.signed("/oss/callback/map", FORM, body), body);
        assertEquals(200, response.status(), response.body());
        assertTrue(response.body().contains("\"object\":\"e.jpg\""), response.body());
        assertTrue(response.body().contains("\u4e0a\u4f20\u6210\u529f"), response.body());
        assertTrue(response.header("content-type").startsWith("application/json"), response.header("content-type"));
        assertExactLength(response);
    }

    /** Replies are checked as OSS takes them: JSON ones pass, and one OSS would refuse is logged as an error. */
    @Test
    void repliesAreCheckedAsOssWillTakeThem() throws Exception {
        List<String> json = io.github.osscallback.fixtures.LogCapture.messagesOf(OssCallbackPlugin.class, () -> {
            for (String path : List.of("/oss/callback/reply", "/oss/callback/map", "/oss/callback/bean")) {
                byte[] body = bytes("bucket=photos&object=j.jpg");
                assertEquals(200, post(path, TestApplication.signed(path, FORM, body), body).status(), path);
            }
            return null;
        });
        assertEquals(List.of(), json);
        byte[] body = bytes("bucket=photos&object=t.jpg");
        List<String> text = io.github.osscallback.fixtures.LogCapture.messagesOf(OssCallbackPlugin.class, () -> {
            RawHttp.Response response = post("/oss/callback/text", TestApplication.signed("/oss/callback/text", FORM, body), body);
            assertEquals("stored", response.body());
            assertExactLength(response);
            return null;
        });
        assertEquals(1, text.size(), text.toString());
        assertTrue(text.get(0).contains("is not JSON") || text.get(0).contains("OSS will answer the uploader 203"), text.get(0));
    }

    @Test
    void theHandlerSeesTheExactSignedBodyEveryWay() throws Exception {
        for (String type : List.of(FORM, JSON)) {
            byte[] body = type.equals(FORM) ? bytes("bucket=b&object=%E4%B8%AD+x.jpg")
                    : bytes("{\"bucket\":\"b\",\"object\":\"\u4e2d x.jpg\"}");
            RawHttp.Response response = post("/oss/callback/body", TestApplication.signed("/oss/callback/body", type, body), body);
            assertEquals(200, response.status(), response.body());
            assertEquals("{\"bodyParameter\":true,\"body\":true,\"bytes\":true,\"stream\":true,\"current\":true}",
                    response.body(), type);
            assertExactLength(response);
        }
    }

    @Test
    void solonBindsABeanFromTheVerifiedFormOrJsonBody() throws Exception {
        byte[] form = bytes("bucket=photos&object=d.png&size=9");
        RawHttp.Response fromForm = post("/oss/callback/bean", TestApplication.signed("/oss/callback/bean", FORM, form), form);
        assertEquals(200, fromForm.status(), fromForm.body());
        TestApplication.Upload upload = (TestApplication.Upload) TestApplication.HANDLED.get(0);
        assertEquals("photos", upload.bucket);
        assertEquals("d.png", upload.object);
        assertEquals(9, upload.size);
        assertExactLength(fromForm);
        byte[] json = bytes("{\"bucket\":\"photos\",\"object\":\"c.png\",\"size\":7}");
        RawHttp.Response fromJson = post("/oss/callback/bean", TestApplication.signed("/oss/callback/bean", JSON, json), json);
        assertEquals(200, fromJson.status(), fromJson.body());
        upload = (TestApplication.Upload) TestApplication.HANDLED.get(1);
        assertEquals("c.png", upload.object);
        assertEquals(7, upload.size);
    }

    @Test
    void aRejectionTheHandlerThrowsIsAnsweredAsThePluginsAre() throws Exception {
        byte[] body = bytes("bucket=photos&object=elsewhere%2Fh.jpg");
        RawHttp.Response refused = post("/oss/callback/uploads-only",
                TestApplication.signed("/oss/callback/uploads-only", FORM, body), body);
        assertEquals(403, refused.status(), refused.body());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"upload_token_mismatch\"}", refused.body());
        assertExactLength(refused);
        byte[] fine = bytes("bucket=photos&object=uploads%2Fh.jpg");
        assertEquals(200, post("/oss/callback/uploads-only",
                TestApplication.signed("/oss/callback/uploads-only", FORM, fine), fine).status());
    }

    @Test
    void forgedCallbacksNeverReachAHandler() throws Exception {
        byte[] body = bytes("bucket=photos&object=f.jpg");
        OssCallbackSigner attacker = OssCallbackSigner.generate();
        Map<String, String> forged = new LinkedHashMap<>(TestApplication.signed("/oss/callback/reply", FORM, body));
        forged.put("authorization", attacker.sign("/oss/callback/reply", null, body));
        RawHttp.Response mismatch = post("/oss/callback/reply", forged, body);
        assertEquals(403, mismatch.status());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"signature_mismatch\"}", mismatch.body());
        assertExactLength(mismatch);
        RawHttp.Response untrusted = post("/oss/callback/reply",
                attacker.headers("http://127.0.0.1:1/evil.pem", "/oss/callback/reply", null, FORM, body), body);
        assertEquals(403, untrusted.status());
        assertTrue(untrusted.body().contains("untrusted_key_url"), untrusted.body());
        // A genuine body moved to another handler's path.
        assertEquals(403, post("/oss/callback/map", TestApplication.signed("/oss/callback/reply", FORM, body), body).status());
        // The same path with a doubled slash, which Solon routes alike: covered, and not what was signed.
        assertEquals(403, post("/oss//callback/reply", TestApplication.signed("/oss/callback/reply", FORM, body), body).status());
        assertEquals(List.of(), TestApplication.HANDLED);
    }

    /** smart-http's caches keep header values as sent: an earlier value on the connection cannot change a signature. */
    @Test
    void anEarlierAuthorizationOnTheSameConnectionCannotBreakAGenuineCallback() throws Exception {
        assertEquals(List.of(400, 200), OnJettyTest.earlierValueThenGenuine(port,
                signature -> OnJettyTest.swapCase(signature.substring(0, 1))));
        assertEquals(List.of(403, 200), OnJettyTest.earlierValueThenGenuine(port, OnJettyTest::swapCase));
        // Same length, first letter only changed, as a cache that compares all but one byte would confuse.
        assertEquals(List.of(403, 200), OnJettyTest.earlierValueThenGenuine(port,
                signature -> (signature.charAt(0) == 'A' ? 'B' : 'A') + signature.substring(1)));
    }

    @Test
    void missingHeadersAre400() throws Exception {
        byte[] body = bytes("bucket=photos&object=f.jpg");
        RawHttp.Response response = post("/oss/callback/reply", Map.of("Content-Type", FORM), body);
        assertEquals(400, response.status());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"missing_header\"}", response.body());
        assertExactLength(response);
        assertEquals(List.of(), TestApplication.HANDLED);
    }

    @Test
    void oversizedCallbacksAreRefusedBeforeTheyAreVerified() throws Exception {
        byte[] body = bytes("bucket=photos&object=" + "x".repeat(70_000));
        RawHttp.Response response = post("/oss/callback/reply", TestApplication.signed("/oss/callback/reply", FORM, body), body);
        assertEquals(413, response.status());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"body_too_large\"}", response.body());
        assertExactLength(response);
        assertEquals(List.of(), TestApplication.HANDLED);
    }

    /** An action asking for OssCallback on a path the plugin does not cover fails closed, never seeing the data. */
    @Test
    void anActionOutsideTheCallbackPathsNeverSeesUnverifiedData() throws Exception {
        byte[] body = bytes("bucket=photos&object=f.jpg");
        RawHttp.Response response = post("/unguarded/callback",
                TestApplication.signed("/unguarded/callback", FORM, body), body);
        assertEquals(500, response.status(), response.body());
        assertEquals(List.of(), TestApplication.HANDLED);
    }

    /**
     * The differential corpus against Solon's views: ctx.param, ctx.paramValues, ctx.paramMap and
     * named action parameters give the verifier's reading (query, then body) or nothing.
     */
    @Test
    void everyParameterViewGivesTheVerifiersReadingOrNothing() throws Exception {
        List<String> failures = new ArrayList<>();
        for (ReadingCase c : ReadingCase.corpus()) {
            String view = "/oss/callback/views";
            String target = view + (c.query() == null ? "" : "?" + c.query());
            RawHttp.Response response = post(target,
                    signedForViews(view, c.query(), c.body()), c.body());
            String failure = response.body().contains("\"inconsistent\"") ? "views disagree: " + response.body()
                    : ReadingViews.problem(c, response.status(), response.body());
            if (failure != null) {
                failures.add(c + ": " + failure);
            }
        }
        assertEquals(List.of(), failures);
    }

    private static Map<String, String> signedForViews(String path, String query, byte[] body) {
        return TestApplication.OSS.headers(TestApplication.keys().url("/oss/key.pem"), path, query, FORM, body);
    }
}
