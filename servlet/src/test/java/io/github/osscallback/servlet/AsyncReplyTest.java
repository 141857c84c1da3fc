package io.github.osscallback.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.LogCapture;
import io.github.osscallback.fixtures.RawHttp;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.AsyncContext;
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
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reply made asynchronously cannot be held until the handler returns: it is passed on whole as
 * it is written (none of it lost in the filter's writer), and the filter says once that its
 * framing is the container's. Run on embedded Jetty and Tomcat by the subclasses, with the filters
 * and the servlet registered async-capable.
 */
abstract class AsyncReplyTest {

    private static final String KEY_URL = "https://keys.test/oss/key.pem";
    private static final byte[] BODY = "bucket=b&object=o".getBytes(StandardCharsets.UTF_8);
    private static final String OK = "{\"Status\":\"OK\"}";
    private static final String RETURNED = "test.filtersReturned";

    abstract ContainerFixture newContainer();

    private final OssCallbackSigner signer = OssCallbackSigner.generate();
    private final ExecutorService replies = Executors.newSingleThreadExecutor();
    private ContainerFixture container;
    private int port;
    private LogCapture.Recorder log;

    @BeforeEach
    void start() throws Exception {
        log = new LogCapture.Recorder(OssCallbackFilter.class.getName());
        java.util.logging.Logger.getLogger(OssCallbackFilter.class.getName()).setUseParentHandlers(false); // expected errors
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix("https://keys.test/oss/").build())
                .pinKey(KEY_URL, signer.publicKeyPem())
                .remoteKeyFetching(false)
                .build();
        HttpServlet servlet = new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
                AsyncContext async = req.startAsync();
                CountDownLatch filtersReturned = (CountDownLatch) req.getAttribute(RETURNED);
                replies.execute(() -> {
                    try {
                        // Written once the filter has finished its part, so nothing it does flushes this.
                        assertTrue(filtersReturned.await(10, TimeUnit.SECONDS));
                        resp.setContentType("application/json");
                        resp.getWriter().write(OK); // not flushed: complete() must still send it
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        async.complete();
                    }
                });
            }
        };
        container = newContainer();
        List<Filter> filters = List.of(new SaysWhenFiltersReturned(), new OssCallbackFilter(verifier));
        String base = container.startAsyncCapable("/cb/*", filters, servlet);
        port = URI.create(base).getPort();
    }

    @AfterEach
    void stop() throws Exception {
        container.close();
        replies.shutdownNow();
        log.close();
        java.util.logging.Logger.getLogger(OssCallbackFilter.class.getName()).setUseParentHandlers(true);
    }

    /**
     * Outermost: tells the handler when the filter chain, OssCallbackFilter included, has returned.
     * A class with init and destroy, not a lambda: Servlet 3.1's Filter (Jetty 9.4 in the javax
     * build) has no default methods.
     */
    private static final class SaysWhenFiltersReturned implements Filter {
        @Override
        public void init(FilterConfig config) {
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            CountDownLatch returned = new CountDownLatch(1);
            request.setAttribute(RETURNED, returned);
            try {
                chain.doFilter(request, response);
            } finally {
                returned.countDown();
            }
        }

        @Override
        public void destroy() {
        }
    }

    private RawHttp.Response callback() throws IOException {
        return RawHttp.post(port, "/cb/x", signer.headers(KEY_URL, "/cb/x", null,
                "application/x-www-form-urlencoded", BODY), BODY);
    }

    @Test
    void anAsynchronousReplyArrivesWholeAndTheFilterSaysOnceThatItCannotFrameIt() throws Exception {
        for (int i = 0; i < 2; i++) {
            RawHttp.Response response = callback();
            assertEquals(200, response.status());
            String body = response.header("transfer-encoding").equals("chunked")
                    ? response.body().split("\r\n")[1] : response.body();
            assertEquals(OK, body);
        }
        List<String> warnings = log.records().stream().filter(r -> r.getLevel() == Level.WARNING)
                .map(LogCapture::message).collect(Collectors.toList());
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("asynchronously"), warnings.get(0));
    }
}
