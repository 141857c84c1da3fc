package io.github.osscallback.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Alibaba's Node SDK (ali-oss, from npm, pinned by {@code src/test/node/package-lock.json}) as a
 * real client of the stand-in: {@code client.js} puts an object (signed with V1, then V4), uploads
 * through a URL presigned by {@code signatureUrl}, and completes a multipart upload, each with a
 * callback to a verifying endpoint, then puts one whose
 * callback fails, and prints what the SDK returned. {@code npm ci} installs the SDK under {@code target/node-sdk-client} once.
 * Without node and npm the test is skipped, except on CI, where {@code .ci/run} installs them.
 */
class OssStandInNodeSdkTest {

    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final Path WORK = Path.of("target", "node-sdk-client");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "client.js");

    private static String node;

    @BeforeAll
    static void installTheSdk() throws Exception {
        node = onPath("node");
        String npm = onPath("npm");
        if (node == null || npm == null) {
            String message = "node and npm are needed to run ali-oss against the stand-in (apt-get install nodejs npm)";
            if (System.getenv("CI") != null) {
                fail(message + "; on CI .ci/run installs them");
            }
            Assumptions.abort(message);
        }
        Files.createDirectories(WORK);
        boolean lockChanged = !Files.exists(WORK.resolve("package-lock.json"))
                || Files.mismatch(SOURCES.resolve("package-lock.json"), WORK.resolve("package-lock.json")) >= 0;
        for (String file : FILES) {
            Files.copy(SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        if (lockChanged || !Files.exists(WORK.resolve("node_modules/ali-oss/package.json"))) {
            Result install = run(List.of(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"), 600);
            if (install.exit != 0) {
                fail("npm ci failed (exit " + install.exit + ") in " + WORK.toAbsolutePath()
                        + "; it needs the npm registry or a filled npm cache. npm said:\n" + install.stderr + install.stdout);
            }
        }
    }

    @Test
    void putAndMultipartUploadWithCallbacksAndAFailedCallbackAsAliOssSeesThem() throws Exception {
        try (OssStandIn oss = OssStandIn.builder().buckets("node-bucket").accessKey("node-ak", "node-sk")
                .callbackTimeout(OssStandInJavaSdkTest.NO_TIMEOUT_BY_LOAD).start();
             VerifyingCallbackServer app = new VerifyingCallbackServer(CallbackVerifier.builder()
                     .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(oss.keyUrl()).build())
                     .build())) {
            Result client = run(List.of(node, "client.js", oss.endpoint().toString(), "node-bucket", "node-ak", "node-sk",
                    app.url(VerifyingCallbackServer.CALLBACK), app.url(VerifyingCallbackServer.NOT_JSON),
                    WORK.toAbsolutePath().toString()), 120);
            String[] lines = client.stdout.strip().split("\n");
            JsonNode out = new ObjectMapper().readTree(lines[lines.length - 1]);
            assertEquals(0, client.exit, client.stdout + client.stderr);

            assertEquals(200, out.at("/put/status").asInt());
            assertEquals("OK", out.at("/put/data/status").asText());
            assertEquals("node/put.txt", out.at("/put/data/object").asText());
            assertEquals("7", out.at("/put/data/uid").asText());
            assertEquals(200, out.at("/putV4/status").asInt());
            assertEquals("node/put-v4.txt", out.at("/putV4/data/object").asText());
            assertEquals(200, out.at("/presigned/status").asInt());
            assertEquals("node/presigned.txt", out.at("/presigned/data/object").asText());
            assertEquals(200, out.at("/multipart/status").asInt());
            assertEquals("node/multipart.bin", out.at("/multipart/data/object").asText());
            assertEquals(250 * 1024, out.at("/multipart/data/size").asLong());

            assertEquals("CallbackFailedError", out.at("/failing/name").asText(), out.toString());
            assertEquals("CallbackFailed", out.at("/failing/code").asText());
            assertEquals(203, out.at("/failing/status").asInt());
            assertEquals("Response body is not valid json format.", out.at("/failing/message").asText());

            assertArrayEquals("uploaded by ali-oss".getBytes(StandardCharsets.UTF_8),
                    oss.object("node-bucket", "node/put.txt").orElseThrow().content());
            StoredObject multipart = oss.object("node-bucket", "node/multipart.bin").orElseThrow();
            assertEquals("CompleteMultipartUpload", multipart.operation());
            assertTrue(multipart.etag().endsWith("-3"), multipart.etag());
            assertTrue(oss.object("node-bucket", "node/failing.txt").isPresent());
            assertEquals(4, app.verified().size());
        }
    }

    private static final class Result {
        final int exit;
        final String stdout;
        final String stderr;

        Result(int exit, String stdout, String stderr) {
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
        }
    }

    /** Runs a command in the work directory; output goes to files, so a chatty process cannot block on a pipe. */
    private static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(WORK.toAbsolutePath(), "stdout", ".txt");
        Path stderr = Files.createTempFile(WORK.toAbsolutePath(), "stderr", ".txt");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command))
                    .directory(WORK.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish within " + timeoutSeconds + " s; it printed:\n"
                        + Files.readString(stdout) + Files.readString(stderr));
            }
            return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    private static String onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        return Arrays.stream(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, program))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst().orElse(null);
    }
}
