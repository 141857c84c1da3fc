package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.RawTargetCase;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.TestAbortedException;

/**
 * Genuine callbacks whose URL holds any printable ASCII character, percent escape or raw UTF-8,
 * in the path or in the query, signed as OSS signs and sent over a raw socket, must verify
 * through the servlet filter on Jetty and on Tomcat. What the container refuses before the filter
 * runs is not ours: it is recorded in the summary and the case is skipped. One server per
 * container serves every case.
 */
class FilterRawTargetTest {

    private static final String CASE_HEADER = "x-matrix-case";
    private static final byte[] BODY = "bucket=b&object=o.jpg".getBytes(StandardCharsets.UTF_8);
    /** Case ids whose request reached the filter. */
    private static final Set<String> REACHED = ConcurrentHashMap.newKeySet();
    private static final AtomicLong IDS = new AtomicLong();

    @Nested
    class OnJetty extends Matrix {
        @Override
        ContainerFixture container() {
            return new JettyFixture();
        }

        @Override
        String runtime() {
            return "Servlet filter on Jetty 12";
        }
    }

    @Nested
    class OnTomcat extends Matrix {
        @Override
        ContainerFixture container() {
            return new TomcatFixture();
        }

        @Override
        String runtime() {
            return "Servlet filter on Tomcat 10.1";
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Matrix {
        private final OssCallbackSigner signer = OssCallbackSigner.generate();
        private final List<String> passed = new ArrayList<>();
        private final List<String> refusedByCore = new ArrayList<>();
        private final Map<String, String> refusedByContainer = new LinkedHashMap<>();
        private final Map<String, String> failed = new LinkedHashMap<>();
        private LoopbackKeyServer keyServer;
        private ContainerFixture container;
        private String keyUrl;
        private int port;

        abstract ContainerFixture container();

        abstract String runtime();

        @BeforeAll
        void startServers() throws Exception {
            keyServer = LoopbackKeyServer.start();
            keyServer.serve("/oss/key.pem", signer.publicKeyPem());
            keyUrl = keyServer.url("/oss/key.pem");
            OssCallbackFilter filter = new OssCallbackFilter(CallbackVerifier.builder()
                    .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                    .build());
            container = container();
            String base = container.start("/app", "/cb/*", marking(filter), Map.of(), new HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    OssCallbacks.reply(resp, CallbackReply.json(Map.of("verified", true)));
                }
            });
            port = java.net.URI.create(base).getPort();
        }

        @AfterAll
        void stopServers() throws Exception {
            try {
                container.close();
            } finally {
                keyServer.close();
                writeSummary();
            }
        }

        @TestFactory
        Stream<DynamicTest> genuineCallbacksVerifyWhateverTheTargetHolds() {
            return RawTargetCase.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> check(c)));
        }

        private void check(RawTargetCase c) throws IOException {
            String path = c.path("/app/cb");
            String query = c.query();
            String target = query == null ? path : path + "?" + query;
            String id = Long.toString(IDS.incrementAndGet());
            String name = c.toString();
            RawHttp.Response response;
            try {
                response = send(path, query, target, id);
            } catch (SocketException reset) {
                // A container that refuses a request line closes without reading the body, and the
                // unread body makes the close a reset that may overtake its 400.
                if (!REACHED.remove(id)) {
                    refusedByContainer.put(name, "connection reset");
                    throw new TestAbortedException(runtime() + " reset the connection for " + target);
                }
                throw reset;
            }
            boolean reached = REACHED.remove(id);
            if (response.status() == 200 && response.body().contains("\"verified\":true")) {
                passed.add(name);
                return;
            }
            if (response.body().contains("\"status\":\"REJECTED\"")) {
                if (c.breaksRequestLine() && response.body().contains("\"signature_mismatch\"")) {
                    refusedByContainer.put(name, response.status() + " (the container cut the target at the space)");
                    throw new TestAbortedException(runtime() + " passed on only part of " + target);
                }
                if (response.status() == 400 && c.mayBeRefusedByUs()) {
                    refusedByCore.add(name);
                    return;
                }
                failed.put(name, response.status() + " " + response.body());
                fail(runtime() + " rejected a genuine callback to " + target + ": " + response.status() + " "
                        + response.body());
            }
            if (!reached) {
                refusedByContainer.put(name, Integer.toString(response.status()));
                throw new TestAbortedException(runtime() + " refused " + target + " with " + response.status()
                        + " before the filter saw it");
            }
            failed.put(name, response.status() + " " + response.body());
            fail(runtime() + " answered " + target + " with " + response.status() + " " + response.body());
        }

        /** Sends a callback signed for one path and query to a target, marked with a case id. */
        private RawHttp.Response send(String signedPath, String signedQuery, String target, String id)
                throws IOException {
            Map<String, String> headers = new LinkedHashMap<>(
                    signer.headers(keyUrl, signedPath, signedQuery, "application/x-www-form-urlencoded", BODY));
            headers.put(CASE_HEADER, id);
            return RawHttp.post(port, target, headers, BODY);
        }

        @Test
        void aQueryEncodedOtherwiseThanSignedIsRejected() throws IOException {
            // The same to a decoder, but OSS signs the query as sent: verifying anything else would be wrong.
            RawHttp.Response response = send("/app/cb/q", "k=a!z", "/app/cb/q?k=a%21z", "none");
            assertEquals(403, response.status(), response.body());
            assertTrue(response.body().contains("\"signature_mismatch\""), response.body());
        }

        private void writeSummary() throws IOException {
            StringBuilder out = new StringBuilder(runtime()).append(": ")
                    .append(passed.size() + refusedByCore.size()).append(" verified as required (")
                    .append(refusedByCore.size()).append(" of them 400 by the malformed-path rule), ")
                    .append(refusedByContainer.size()).append(" refused by the container, ")
                    .append(failed.size()).append(" failed\n");
            refusedByContainer.forEach((name, status) -> out.append("  refused ").append(status).append(": ")
                    .append(name).append('\n'));
            refusedByCore.forEach(name -> out.append("  400 by core: ").append(name).append('\n'));
            failed.forEach((name, answer) -> out.append("  FAILED: ").append(name).append(" -> ").append(answer)
                    .append('\n'));
            System.out.print(out);
            Path dir = Path.of("target", "raw-target-matrix");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(runtime().replaceAll("[^A-Za-z0-9]+", "-") + ".txt"), out);
        }
    }

    /** The filter, marking each request that reaches it. */
    private static Filter marking(OssCallbackFilter filter) {
        return new Filter() {
            @Override
            public void init(FilterConfig config) throws ServletException {
                filter.init(config);
            }

            @Override
            public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                    throws IOException, ServletException {
                String id = ((HttpServletRequest) req).getHeader(CASE_HEADER);
                if (id != null) {
                    REACHED.add(id);
                }
                filter.doFilter(req, res, chain);
            }
        };
    }
}
