package io.github.osscallback.quarkus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.fixtures.RawHttp;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a verified resource method answers OSS with, however it is written (a Map or record through
 * quarkus-rest-jackson, a {@code CallbackReply}, text, nothing): JSON with an exact Content-Length,
 * and a reply OSS would refuse logged as one error naming the extension.
 */
@QuarkusTest
@WithTestResource(KeyHost.class)
class CallbackRepliesTest {

    private static final String BODY = "bucket=b&object=users%2F42%2Fcat.jpg&size=3";
    private static final String LOG = "io.github.osscallback.quarkus";

    @TestHTTPResource("/")
    URL root;

    private Callbacks callbacks;

    @BeforeEach
    void connect() {
        callbacks = Callbacks.ofRunningApplication(root.getPort());
    }

    private static void assertExactLength(RawHttp.Response response) {
        assertEquals(String.valueOf(response.body().getBytes(StandardCharsets.UTF_8).length),
                response.header("Content-Length"), "Content-Length of " + response);
        assertEquals("", response.header("Transfer-Encoding"), response.toString());
    }

    /** What the extension logs while one genuine callback to this path and query is answered. */
    private List<String> logged(String path, String query, RawHttp.Response[] answer) throws Exception {
        try (LogCapture.Recorder recorder = new LogCapture.Recorder(LOG)) {
            answer[0] = callbacks.genuine(path, query, Callbacks.FORM, BODY);
            return recorder.records().stream().map(LogCapture::message).toList();
        }
    }

    @Test
    void aMapReplyIsJsonWithAnExactLengthAndNothingLogged() throws Exception {
        RawHttp.Response[] response = new RawHttp.Response[1];
        assertEquals(List.of(), logged("/oss/callback/map", null, response));
        assertEquals(200, response[0].status(), response[0].body());
        assertEquals("{\"bucket\":\"b\",\"ok\":true}", response[0].body());
        assertTrue(response[0].header("Content-Type").startsWith("application/json"), response[0].toString());
        assertExactLength(response[0]);
    }

    @Test
    void aRecordReplyIsJsonWithAnExactLengthAndNothingLogged() throws Exception {
        RawHttp.Response[] response = new RawHttp.Response[1];
        assertEquals(List.of(), logged("/oss/callback/record", null, response));
        assertEquals(200, response[0].status(), response[0].body());
        assertEquals("{\"object\":\"users/42/cat.jpg\",\"stored\":true}", response[0].body());
        assertTrue(response[0].header("Content-Type").startsWith("application/json"), response[0].toString());
        assertExactLength(response[0]);
    }

    @Test
    void aMapReplyOverQuarkusOutputBufferStillHasAnExactLength() throws Exception {
        RawHttp.Response[] response = new RawHttp.Response[1];
        assertEquals(List.of(), logged("/oss/callback/large", "padding=100000", response));
        assertEquals(200, response[0].status(), response[0].toString());
        assertEquals("{\"padding\":\"" + "x".repeat(100_000) + "\"}", response[0].body());
        assertExactLength(response[0]);
    }

    @Test
    void aMapReplyOverOssLimitIsLoggedAndSentWithItsLength() throws Exception {
        RawHttp.Response[] response = new RawHttp.Response[1];
        List<String> errors = logged("/oss/callback/large", "padding=1100000", response);
        assertEquals(200, response[0].status(), response[0].toString());
        assertExactLength(response[0]);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("oss-callback-quarkus: the application's reply is 1100014 bytes, over"
                + " OSS's limit, so OSS will answer the uploader 203 CallbackFailed"), errors.get(0));
    }

    @Test
    void aTextReplyIsLoggedAsOneOssRefusesAndSentUnchanged() throws Exception {
        RawHttp.Response[] response = new RawHttp.Response[1];
        List<String> errors = logged("/oss/callback/text", null, response);
        assertEquals(200, response[0].status(), response[0].toString());
        assertEquals("stored", response[0].body());
        assertExactLength(response[0]);
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("oss-callback-quarkus: the application's reply has Content-Type"
                + " 'text/plain"), errors.get(0));
        assertTrue(errors.get(0).contains("not application/json"), errors.get(0));
    }

    @Test
    void anEmptyReplyIsLoggedAsOneOssRefuses() throws Exception {
        RawHttp.Response[] response = new RawHttp.Response[1];
        List<String> errors = logged("/oss/callback/nothing", null, response);
        assertEquals(204, response[0].status(), response[0].toString());
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("oss-callback-quarkus: the application's reply is empty"), errors.get(0));
    }

    @Test
    void aCallbackReplyIsCheckedWithoutComplaint() throws Exception {
        RawHttp.Response[] response = new RawHttp.Response[1];
        assertEquals(List.of(), logged("/oss/callback/upload", null, response));
        assertEquals(200, response[0].status(), response[0].body());
        assertTrue(response[0].header("Content-Type").startsWith("application/json"), response[0].toString());
        assertExactLength(response[0]);
    }

    @Test
    void aRejectionIsNotTakenForTheApplicationsReply() throws Exception {
        try (LogCapture.Recorder recorder = new LogCapture.Recorder(LOG)) {
            RawHttp.Response forged = callbacks.forged("/oss/callback/map", BODY, BODY.replace("cat", "dog"));
            assertEquals(403, forged.status(), forged.body());
            assertExactLength(forged);
            List<String> messages = recorder.records().stream().map(LogCapture::message).toList();
            assertEquals(1, messages.size(), messages.toString());
            assertTrue(messages.get(0).startsWith("OSS callback rejected by oss-callback-quarkus: signature_mismatch"),
                    messages.get(0));
        }
    }
}
