package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whatever the application writes to OSS leaves with an exact Content-Length (OSS answers the
 * uploader 203 without one), however it was written; a reply OSS would refuse anyway is logged as
 * an error, once, and passed on. Run on embedded Jetty and Tomcat by the subclasses; the replies
 * are read off the socket, framing included.
 */
abstract class ReplyFramingTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
    private static final String OK = "{\"Status\":\"OK\"}";

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private ContainerFixture container;
    private LogCapture.Recorder log;

    abstract ContainerFixture newContainer();

    @BeforeEach
    void startLog() {
        log = new LogCapture.Recorder(OssCallbackFilter.class.getName());
        java.util.logging.Logger.getLogger(OssCallbackFilter.class.getName()).setUseParentHandlers(false); // expected errors
        container = newContainer();
    }

    @AfterEach
    void stop() throws Exception {
        container.close();
        log.close();
        java.util.logging.Logger.getLogger(OssCallbackFilter.class.getName()).setUseParentHandlers(true);
    }

    /** A handler; the servlet around it only forwards. */
    interface Handler {
        void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;
    }

    private RawHttp.Response callWith(Handler handler) throws Exception {
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false)
                .build();
        HttpServlet servlet = new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                handler.handle(req, resp);
            }
        };
        URI base = URI.create(container.start("", "/cb/*", new OssCallbackFilter(verifier), Map.of(), servlet));
        return RawHttp.post(base.getPort(), "/cb/x", signer.headers(KEY_URL, "/cb/x", null,
                "application/x-www-form-urlencoded", BODY), BODY);
    }

    private List<String> errorsLogged() {
        return log.records().stream().filter(r -> r.getLevel() == Level.SEVERE).map(LogCapture::message)
                .collect(Collectors.toList());
    }

    /** The body as sent, after the head: with a Content-Length, exactly that many bytes. */
    private static void assertExactlyFramed(RawHttp.Response response, String expectedBody) {
        assertEquals("", response.header("transfer-encoding"), "not chunked");
        assertEquals(String.valueOf(expectedBody.getBytes(StandardCharsets.UTF_8).length),
                response.header("content-length"));
        assertEquals(expectedBody, response.body());
    }

    private static String jsonOfSize(int bytes) {
        StringBuilder json = new StringBuilder("{\"pad\":\"");
        while (json.length() < bytes - 2) {
            json.append('x');
        }
        return json.append("\"}").toString();
    }

    @Test
    void aReplyWrittenThroughTheWriterWithoutALengthLeavesWithAnExactOne() throws Exception {
        RawHttp.Response response = callWith((req, resp) -> {
            resp.setContentType("application/json");
            resp.getWriter().write(OK);
        });
        assertEquals(200, response.status());
        assertExactlyFramed(response, OK);
        assertEquals(List.of(), errorsLogged());
    }

    @Test
    void aReplyFlushedMidwayLeavesWholeWithAnExactLength() throws Exception {
        AtomicBoolean committedAfterFlush = new AtomicBoolean();
        RawHttp.Response response = callWith((req, resp) -> {
            resp.setContentType("application/json");
            ServletOutputStream out = resp.getOutputStream();
            out.write("{\"Status\":".getBytes(StandardCharsets.UTF_8));
            resp.flushBuffer();
            committedAfterFlush.set(resp.isCommitted());
            out.write("\"OK\"}".getBytes(StandardCharsets.UTF_8));
            out.flush();
        });
        assertExactlyFramed(response, OK);
        assertTrue(committedAfterFlush.get(), "to the handler, a flushed response is committed, as the container's is");
    }

    @Test
    void aLargeReplyWrittenInFlushedPiecesIsNotChunked() throws Exception {
        String json = jsonOfSize(600 * 1024); // far beyond any container's own buffer
        RawHttp.Response response = callWith((req, resp) -> {
            resp.setContentType("application/json");
            ServletOutputStream out = resp.getOutputStream();
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at < bytes.length; at += 8192) {
                out.write(bytes, at, Math.min(8192, bytes.length - at));
                out.flush();
            }
        });
        assertExactlyFramed(response, json);
        assertEquals(List.of(), errorsLogged());
    }

    @Test
    void aContentLengthOneShortAsInAlibabasSampleIsReplacedByTheExactOne() throws Exception {
        RawHttp.Response response = callWith((req, resp) -> {
            resp.setContentType("application/json");
            resp.setContentLength(OK.length()); // println adds a newline the sample does not count
            PrintWriter writer = resp.getWriter();
            writer.println(OK);
            writer.flush();
        });
        assertExactlyFramed(response, OK + System.lineSeparator());
        assertEquals(List.of(), errorsLogged());
    }

    @Test
    void aReplyOverOneMebibyteIsLoggedOnceAsAnErrorAndPassedOnWhole() throws Exception {
        String json = jsonOfSize(BufferedReply.LIMIT + 10);
        RawHttp.Response response = callWith((req, resp) -> {
            resp.setContentType("application/json");
            ServletOutputStream out = resp.getOutputStream();
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            for (int at = 0; at < bytes.length; at += 4096) {
                out.write(bytes, at, Math.min(4096, bytes.length - at));
            }
        });
        assertEquals(200, response.status());
        assertEquals("", response.header("content-length"), "the length is unknown when the first bytes leave");
        // Chunked, or (the request said Connection: close) up to the end of the connection.
        assertEquals(json, response.header("transfer-encoding").equals("chunked") ? dechunk(response.body())
                : response.body());
        List<String> errors = errorsLogged();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("over " + BufferedReply.LIMIT + " bytes")
                && errors.get(0).contains("OSS will answer the uploader 203"), errors.get(0));
    }

    @Test
    void aReplyThatIsNotJsonIsLoggedOnceAsAnErrorAndStillSentWithItsLength() throws Exception {
        RawHttp.Response response = callWith((req, resp) -> {
            resp.setContentType("text/plain");
            resp.getWriter().write("OK");
        });
        assertEquals(200, response.status());
        assertExactlyFramed(response, "OK");
        List<String> errors = errorsLogged();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("Content-Type 'text/plain")
                && errors.get(0).contains("OSS will answer the uploader 203"), errors.get(0));
    }

    @Test
    void aJsonTypedReplyThatDoesNotParseIsLoggedWithoutQuotingIt() throws Exception {
        RawHttp.Response response = callWith((req, resp) -> {
            resp.setContentType("application/json");
            resp.getWriter().write("{\"object\":\"secret-name\"");
        });
        assertExactlyFramed(response, "{\"object\":\"secret-name\"");
        List<String> errors = errorsLogged();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("is not JSON"), errors.get(0));
        assertFalse(errors.get(0).contains("secret-name"), errors.get(0));
    }

    @Test
    void anEmptyReplyIsLoggedAsAnError() throws Exception {
        RawHttp.Response response = callWith((req, resp) -> resp.setStatus(200));
        assertExactlyFramed(response, "");
        List<String> errors = errorsLogged();
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).contains("is empty"), errors.get(0));
    }

    @Test
    void sendErrorIsLeftToTheContainer() throws Exception {
        RawHttp.Response response = callWith((req, resp) -> {
            resp.getWriter().write("dropped, as the container drops it");
            resp.sendError(500);
        });
        assertEquals(500, response.status());
        assertFalse(response.body().contains("dropped"), response.body());
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

}
