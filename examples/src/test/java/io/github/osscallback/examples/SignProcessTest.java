package io.github.osscallback.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sign} as a separate process: the curl command it prints, read as a shell would read it and
 * sent with the JDK's client (the same method, URL, headers and body), is accepted by a real
 * {@code serve} that trusts the key URL; and bad options end with status 2 and a clear message.
 */
class SignProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private LoopbackKeyServer keyServer;
    private ServeProcess serve;
    private Path keyFile;

    @BeforeEach
    void start(@TempDir Path dir) throws Exception {
        keyFile = Files.writeString(dir.resolve("private.pem"), signer.privateKeyPem());
        keyServer = LoopbackKeyServer.start().serve("/oss/key.pem", signer.publicKeyPem());
        serve = ServeProcess.start("--allow-key-url-prefix", keyServer.baseUrl() + "/oss/");
    }

    @AfterEach
    void stop() {
        serve.close();
        keyServer.close();
    }

    /** Runs {@code sign}; returns standard output, after checking the exit status and standard error. */
    private static String[] sign(int expectedStatus, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("sign"));
        args.addAll(List.of(options));
        Process process = ServeProcess.main(args.toArray(String[]::new)).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "sign did not end");
        assertEquals(expectedStatus, process.exitValue(), err);
        return new String[] {out, err};
    }

    /** Sends what a curl command line says: {@code -X}, {@code -H}, {@code --data-binary} and the URL. */
    private HttpResponse<String> send(String commandLine) throws Exception {
        List<String> words = ShellWords.split(commandLine);
        assertEquals("curl", words.get(0));
        String method = null;
        String url = null;
        String body = null;
        List<String> headers = new ArrayList<>();
        for (int i = 1; i < words.size(); i++) {
            switch (words.get(i)) {
                case "-sS":
                    break;
                case "-X":
                    method = words.get(++i);
                    break;
                case "-H":
                    headers.add(words.get(++i));
                    break;
                case "--data-binary":
                    body = words.get(++i);
                    break;
                default:
                    assertTrue(url == null && !words.get(i).startsWith("-"), "unexpected curl word " + words.get(i));
                    url = words.get(i);
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (String header : headers) {
            int colon = header.indexOf(": ");
            request.header(header.substring(0, colon), header.substring(colon + 2));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePrintedFormCallbackIsAcceptedByServe() throws Exception {
        String[] printed = sign(0, "--url", serve.base() + "/servlet/staging%20cb?x=1&y=a%2Fb",
                "--key", keyFile.toString(), "--key-url", keyServer.url("/oss/key.pem"),
                "--body", "bucket=b&object=it's%2Fhere.png&size=5");
        assertTrue(printed[0].startsWith("curl -sS -X POST '" + serve.base() + "/servlet/staging%20cb?x=1&y=a%2Fb' \\\n"),
                printed[0]);
        assertTrue(printed[1].contains(signer.publicKeyPem()), printed[1]);
        HttpResponse<String> response = send(printed[0]);
        assertEquals(200, response.statusCode(), response.body());
        JsonNode reply = JSON.readTree(response.body());
        assertEquals("b", reply.get("bucket").asText());
        assertEquals("it's/here.png", reply.get("object").asText());
        assertEquals("POST /servlet/staging%20cb -> 200 ", serve.nextLine());
        assertEquals(List.of("/oss/key.pem"), keyServer.requests());
    }

    @Test
    void thePrintedJsonCallbackIsAcceptedByServe() throws Exception {
        String[] printed = sign(0, "--url", serve.base() + "/jaxrs/cb", "--key", keyFile.toString(),
                "--key-url", keyServer.url("/oss/key.pem"), "--content-type", "json",
                "--body", "{\"bucket\":\"b\",\"object\":\"o\",\"size\":7}");
        assertTrue(printed[0].contains("-H 'content-type: application/json'"), printed[0]);
        HttpResponse<String> response = send(printed[0]);
        assertEquals(200, response.statusCode(), response.body());
        assertEquals(7, JSON.readTree(response.body()).get("size").asInt());
    }

    @Test
    void aCommandSignedForAnotherKeyIsRefused() throws Exception {
        Path otherKey = Files.writeString(keyFile.resolveSibling("other.pem"), OssCallbackSigner.generate().privateKeyPem());
        String[] printed = sign(0, "--url", serve.base() + "/servlet/cb", "--key", otherKey.toString(),
                "--key-url", keyServer.url("/oss/key.pem"), "--body", "bucket=b");
        HttpResponse<String> response = send(printed[0]);
        assertEquals(403, response.statusCode());
        assertEquals("{\"status\":\"REJECTED\",\"reason\":\"signature_mismatch\"}", response.body());
    }

    @Test
    void badOptionsEndWithStatusTwoAndSayWhy() throws Exception {
        String keyUrl = keyServer.url("/oss/key.pem");
        assertTrue(sign(2, "--url", "http://127.0.0.1/cb", "--key", keyFile.toString())[1]
                .contains("--url, --key and --key-url are required"));
        assertTrue(sign(2, "--url", "http://127.0.0.1/cb", "--key", keyFile + ".missing", "--key-url", keyUrl)[1]
                .contains("--key: no such file"));
        Path publicKey = Files.writeString(keyFile.resolveSibling("public.pem"), signer.publicKeyPem());
        assertTrue(sign(2, "--url", "http://127.0.0.1/cb", "--key", publicKey.toString(), "--key-url", keyUrl)[1]
                .contains("expected a PEM block '-----BEGIN PRIVATE KEY-----'"));
        assertTrue(sign(2, "--url", "/cb", "--key", keyFile.toString(), "--key-url", keyUrl)[1]
                .contains("--url must be an absolute http or https URL"));
        assertTrue(sign(2, "--url", "http://127.0.0.1/cb", "--key", keyFile.toString(), "--key-url", keyUrl,
                "--content-type", "xml")[1].contains("--content-type must be form, json or a media type"));
        assertTrue(sign(2, "--url", "http://127.0.0.1/cb", "--bogus", "1")[1].contains("unknown option '--bogus'"));
    }
}
