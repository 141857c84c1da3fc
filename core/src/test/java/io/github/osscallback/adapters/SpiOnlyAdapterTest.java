package io.github.osscallback.adapters;

import io.github.osscallback.fixtures.CodeLocations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.sun.net.httpserver.HttpServer;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.spi.CallbackEndpoint;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that a new adapter needs nothing outside the application package and {@code …spi}:
 * {@link JdkHttpServerAdapter} compiles as a module that sees only what the library exports, and
 * verifies callbacks on a real server.
 */
class SpiOnlyAdapterTest {

    private static final Path ADAPTER = Path.of("src/test/java/io/github/osscallback/adapters/JdkHttpServerAdapter.java");
    private static final String KEY_URL = "https://keys.test/oss/key.pem";

    @TempDir
    Path work;

    @Test
    void theAdapterCompilesAgainstTheExportedPackagesAlone() throws Exception {
        String source = Files.readString(ADAPTER);
        assertEquals(List.of("io.github.osscallback", "io.github.osscallback.spi"), libraryPackagesImported(source));
        assertEquals("", compileAsModule(source), "javac output");
    }

    @Test
    void theSameCompilationRefusesAnInternalPackage() throws Exception {
        String source = Files.readString(ADAPTER)
                .replace("import java.io.IOException;", "import io.github.osscallback.internal.LogSafe;\nimport java.io.IOException;")
                .replace("return exchange.getRequestMethod();", "return LogSafe.text(exchange.getRequestMethod());");
        String output = compileAsModule(source);
        assertTrue(output.contains("package io.github.osscallback.internal is not visible"), output);
    }

    @Test
    void theAdapterVerifiesCallbacksOnARealServer() throws Exception {
        OssCallbackSigner signer = OssCallbackSigner.generate();
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem()).remoteKeyFetching(false).maxBodyBytes(1024).build();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        try (CallbackEndpoint endpoint = CallbackEndpoint.of("JdkHttpServerAdapter", verifier, new QuietLog())) {
            server.createContext("/oss/callback", new JdkHttpServerAdapter(endpoint,
                    callback -> CallbackReply.json(Map.of("object", callback.object().orElse("")))));
            server.start();
            URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/oss/callback");
            byte[] body = "bucket=b&object=photos%2Fa.jpg&size=12".getBytes(StandardCharsets.UTF_8);
            Map<String, String> headers = signer.headers(KEY_URL, "/oss/callback", null,
                    "application/x-www-form-urlencoded", body);

            HttpResponse<String> accepted = post(url, headers, () -> body);
            assertEquals(200, accepted.statusCode());
            assertEquals("{\"object\":\"photos/a.jpg\"}", accepted.body());
            assertEquals("application/json", accepted.headers().firstValue("Content-Type").orElseThrow());

            byte[] tampered = "bucket=b&object=photos%2Fb.jpg&size=12".getBytes(StandardCharsets.UTF_8);
            HttpResponse<String> forged = post(url, headers, () -> tampered);
            assertEquals(403, forged.statusCode());
            assertTrue(forged.body().contains("signature_mismatch"), forged.body());

            assertEquals(413, post(url, headers, () -> new byte[2048]).statusCode());
        } finally {
            server.stop(0);
            verifier.close();
        }
    }

    private static HttpResponse<String> post(URI url, Map<String, String> headers, Supplier<byte[]> body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofByteArray(body.get()));
        headers.forEach(request::header);
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> libraryPackagesImported(String source) {
        return source.lines().filter(line -> line.startsWith("import io.github.osscallback."))
                .map(line -> line.substring("import ".length(), line.lastIndexOf('.')))
                .distinct().sorted().collect(Collectors.toList());
    }

    /** Compiles {@code source} as a module reading the library from a module path: empty if it compiled, else javac's errors. */
    private String compileAsModule(String source) throws Exception {
        Path sources = work.resolve("src");
        Path file = sources.resolve("io/github/osscallback/adapters/JdkHttpServerAdapter.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, source);
        Path descriptor = sources.resolve("module-info.java");
        Files.writeString(descriptor, "module adapter.proof {\n    requires io.github.osscallback;\n"
                + "    requires jdk.httpserver;\n}\n");
        String modulePath = Stream.of(CallbackVerifier.class, Caffeine.class, ObjectMapper.class, JsonFactory.class,
                        JsonCreator.class)
                .map(type -> CodeLocations.of(type).toString()).collect(Collectors.joining(java.io.File.pathSeparator));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter output = new StringWriter();
        boolean compiled = javac.getTask(output, null, null,
                List.of("--module-path", modulePath, "-d", work.resolve("out").toString(), "-proc:none"), null,
                javac.getStandardFileManager(null, null, StandardCharsets.UTF_8).getJavaFileObjects(file, descriptor))
                .call();
        return compiled ? "" : output.toString();
    }


    /** Rejections are logged by the endpoint; this test reads statuses, not log lines. */
    private static final class QuietLog implements System.Logger {
        @Override
        public String getName() {
            return "quiet";
        }

        @Override
        public boolean isLoggable(Level level) {
            return false;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        }
    }
}
