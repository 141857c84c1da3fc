package io.github.osscallback.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.testing.OssCallbackSigner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code send} against a real callback server on loopback that verifies with the library. */
class SendProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private int keyPort;
    private LocalCallbackServer server;

    @BeforeEach
    void start() throws Exception {
        keyPort = LocalCallbackServer.freePort();
        server = new LocalCallbackServer(keyPort);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private JsonNode send(int expectedExit, String... options) throws Exception {
        String[] args = new String[options.length + 6];
        args[0] = "send";
        args[1] = "--json";
        args[2] = "--key-port";
        args[3] = String.valueOf(keyPort);
        System.arraycopy(options, 0, args, 4, options.length);
        args[args.length - 2] = "--object";
        args[args.length - 1] = "photos/a b.jpg";
        Cli.Result result = Cli.run(args);
        assertEquals(expectedExit, result.exit, result.toString());
        return JSON.readTree(result.out);
    }

    @Test
    void aFormCallbackIsRenderedSignedAndAcceptedAndTheUploaderSees200() throws Exception {
        JsonNode outcome = send(0, "--url", server.url("/oss/callback?src=cli"), "--size", "2048");
        assertTrue(outcome.get("succeeded").asBoolean(), outcome.toString());
        assertEquals("http://127.0.0.1:" + keyPort + "/", outcome.get("keyUrlPrefix").asText());
        assertEquals(200, outcome.at("/uploader/status").asInt());
        assertEquals(200, outcome.at("/callback/status").asInt());
        assertEquals(1, server.accepted.size());
        String body = server.accepted.get(0);
        assertTrue(body.startsWith("bucket=examplebucket&object=photos%2Fa+b.jpg&etag="), body);
        assertTrue(body.endsWith("&size=2048&mimeType=text%2Fplain"), body);
    }

    @Test
    void aJsonTemplateWithCustomVariablesIsQuotedAsOssQuotesIt() throws Exception {
        JsonNode outcome = send(0, "--url", server.url("/oss/callback"), "--body-type", "json",
                "--body-template", "{\"object\":${object},\"size\":${size},\"uid\":${x:uid}}", "--var", "x:uid=u\"1",
                "--size", "7");
        assertTrue(outcome.get("succeeded").asBoolean(), outcome.toString());
        assertEquals("{\"object\":\"photos/a b.jpg\",\"size\":7,\"uid\":\"u\\\"1\"}", server.accepted.get(0));
    }

    @Test
    void repeatSendsTheIdenticalRequestWhichReplayProtectionRefuses() throws Exception {
        JsonNode outcome = send(0, "--url", server.url("/oss/callback"), "--repeat", "3");
        assertEquals(2, outcome.get("repeats").size(), outcome.toString());
        for (JsonNode repeat : outcome.get("repeats")) {
            assertEquals(409, repeat.get("status").asInt(), outcome.toString());
            assertTrue(repeat.get("reply").asText().contains("replayed"), outcome.toString());
        }
        assertEquals(1, server.accepted.size());
    }

    @Test
    void aSignatureFromAKeyTheServerDoesNotTrustIsA203() throws Exception {
        server.close();
        server = new LocalCallbackServer(LocalCallbackServer.freePort());
        JsonNode outcome = send(1, "--url", server.url("/oss/callback"));
        assertEquals(203, outcome.at("/uploader/status").asInt());
        assertEquals("CallbackFailed", outcome.at("/uploader/code").asText());
        assertEquals(403, outcome.at("/callback/status").asInt());
        assertTrue(outcome.at("/uploader/why").asText().contains("answered 403"), outcome.toString());
    }

    @Test
    void aReplyThatIsNotJsonIsA203() throws Exception {
        JsonNode outcome = send(1, "--url", server.url("/bad/text"));
        assertEquals(203, outcome.at("/uploader/status").asInt());
        assertTrue(outcome.at("/uploader/why").asText().contains("not JSON"), outcome.toString());
    }

    @Test
    void aReplyWithoutContentLengthIsA203() throws Exception {
        JsonNode outcome = send(1, "--url", server.url("/bad/chunked"));
        assertEquals(203, outcome.at("/uploader/status").asInt());
        assertTrue(outcome.at("/uploader/why").asText().contains("no Content-Length"), outcome.toString());
    }

    @Test
    void noServerOnThePortIsA203CannotConnect() throws Exception {
        int nobody = LocalCallbackServer.freePort();
        JsonNode outcome = send(1, "--url", "http://127.0.0.1:" + nobody + "/cb");
        assertTrue(outcome.at("/uploader/why").asText().contains("could not connect"), outcome.toString());
    }

    @Test
    void signsWithAGivenKeyFile(@TempDir Path dir) throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate(1024);
        Path key = dir.resolve("private.pem");
        Files.writeString(key, signer.privateKeyPem());
        send(0, "--url", server.url("/oss/callback"), "--key", key.toString());
        assertEquals(1, server.accepted.size());
    }

    @Test
    void textOutputNamesTheKeyPrefixAndTheVerdict() throws Exception {
        Cli.Result result = Cli.run("send", "--url", server.url("/oss/callback"), "--key-port", String.valueOf(keyPort));
        assertEquals(0, result.exit, result.toString());
        assertTrue(result.out.startsWith("key URL prefix to trust: http://127.0.0.1:" + keyPort + "/"), result.out);
        assertTrue(result.out.contains("uploader sees: 200 with the reply"), result.out);
    }

    @Test
    void aUrlOffThisMachineOrAWrongBodyTypeIsBadInput() throws Exception {
        assertEquals(2, Cli.run("send", "--url", "https://example.com/cb").exit);
        assertEquals(2, Cli.run("send", "--url", server.url("/cb"), "--body-type", "xml").exit);
        assertEquals(2, Cli.run("send", "--url", server.url("/cb"), "--var", "uid=1").exit);
    }
}
