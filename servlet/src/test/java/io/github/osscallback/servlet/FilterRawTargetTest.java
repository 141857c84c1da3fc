package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.fixtures.RawTargetCase;
import io.github.osscallback.fixtures.RawTargetTally;
import io.github.osscallback.fixtures.RawTargetTally.Seen;
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
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Genuine callbacks whose URL holds any printable ASCII character, percent escape or raw UTF-8,
 * in the path or in the query, signed as OSS signs and sent over a raw socket, must verify
 * through the servlet filter on Jetty and on Tomcat. What the container refuses before the filter
 * runs is not ours: it is recorded in the summary and the case is skipped. One server per
 * container serves every case.
 */
class FilterRawTargetTest {

    private static final byte[] BODY = "bucket=b&object=o.jpg".getBytes(StandardCharsets.UTF_8);
    /** Case ids whose request reached the filter. */
    private static final Set<String> REACHED = ConcurrentHashMap.newKeySet();

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
        private RawTargetTally tally;
        private LoopbackKeyServer keyServer;
        private ContainerFixture container;
        private String keyUrl;
        private int port;

        abstract ContainerFixture container();

        abstract String runtime();

        @BeforeAll
        void startServers() throws Exception {
            tally = new RawTargetTally(runtime());
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
                tally.writeSummary();
            }
        }

        @TestFactory
        Stream<DynamicTest> genuineCallbacksVerifyWhateverTheTargetHolds() {
            return RawTargetCase.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                    () -> tally.check(c, "/app/cb", this::send, FilterRawTargetTest::seen)));
        }

        /** Sends a callback signed for one path and query to a target, marked with a case id. */
        private RawHttp.Response send(String signedPath, String signedQuery, String target, String id)
                throws IOException {
            Map<String, String> headers = new LinkedHashMap<>(
                    signer.headers(keyUrl, signedPath, signedQuery, "application/x-www-form-urlencoded", BODY));
            headers.put(RawTargetTally.CASE_HEADER, id);
            return RawHttp.post(port, target, headers, BODY);
        }

        @Test
        void aQueryEncodedOtherwiseThanSignedIsRejected() throws IOException {
            // The same to a decoder, but OSS signs the query as sent: verifying anything else would be wrong.
            RawHttp.Response response = send("/app/cb/q", "k=a!z", "/app/cb/q?k=a%21z", "none");
            assertEquals(403, response.status(), response.body());
            assertTrue(response.body().contains("\"signature_mismatch\""), response.body());
        }
    }

    private static Seen seen(String id) {
        return REACHED.remove(id) ? Seen.ADAPTER : Seen.NOWHERE;
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
                String id = ((HttpServletRequest) req).getHeader(RawTargetTally.CASE_HEADER);
                if (id != null) {
                    REACHED.add(id);
                }
                filter.doFilter(req, res, chain);
            }
        };
    }
}
