package io.github.osscallback.benchmarks;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.fixtures.Jetty;
import io.github.osscallback.servlet.OssCallbackFilter;
import io.github.osscallback.servlet.OssCallbacks;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * End to end over loopback HTTP through embedded Jetty: the same endpoint with the filter
 * ({@code /protected}), without it ({@code /plain}), and behind a filter that only buffers the
 * body and wraps the request ({@code /buffered}), the least any body-reading filter costs; in the
 * same run, from 16 client threads.
 */
@State(Scope.Benchmark)
@Threads(16)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EndToEndBenchmark {

    private LoopbackKeyServer keyServer;
    private Server server;
    private HttpRequest protectedRequest;
    private HttpRequest plainRequest;
    private HttpRequest bufferedRequest;

    /** The application endpoint: reads the body and answers with JSON, as a callback handler does. */
    static final class Endpoint extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = req.getInputStream().readAllBytes();
            OssCallbacks.reply(resp, CallbackReply.json(Map.of("Status", "OK", "bytes", body.length)));
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        OssCallbackSigner oss = OssCallbackSigner.generate(512);
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", oss.publicKeyPem());
        String keyUrl = keyServer.url("/oss/key.pem");
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build();
        verifier.prefetchKey(keyUrl);

        server = new Server();
        ServerConnector connector = Jetty.addConnector(server, "127.0.0.1", 0);
        ServletContextHandler context = new ServletContextHandler("/");
        context.addFilter(new FilterHolder(new OssCallbackFilter(verifier)), "/protected/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Endpoint()), "/protected/*");
        context.addServlet(new ServletHolder(new Endpoint()), "/plain/*");
        context.addFilter(new FilterHolder(new BufferingFilter()), "/buffered/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Endpoint()), "/buffered/*");
        server.setHandler(context);
        server.start();
        String base = "http://127.0.0.1:" + connector.getLocalPort();

        HttpClient http = newClient();
        byte[] body = Bodies.of("form-200");
        protectedRequest = request(base, "/protected/cb", oss, keyUrl, body);
        plainRequest = request(base, "/plain/cb", oss, keyUrl, body);
        bufferedRequest = request(base, "/buffered/cb", oss, keyUrl, body);
        for (HttpRequest r : new HttpRequest[] {protectedRequest, plainRequest, bufferedRequest}) {
            int status = http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200) {
                throw new IllegalStateException(r.uri() + " answered " + status);
            }
        }
    }

    private static HttpRequest request(String base, String path, OssCallbackSigner oss, String keyUrl, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        oss.headers(keyUrl, path, null, Bodies.FORM, body).forEach(request::header);
        return request.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        server.stop();
        keyServer.close();
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Each client thread has its own HTTP client, so its connection is never idle in a shared pool. */
    @State(Scope.Thread)
    public static class Client {
        final HttpClient http = newClient();
    }

    @Benchmark
    public int withFilter(Client client) throws Exception {
        return check(client.http.send(protectedRequest, HttpResponse.BodyHandlers.ofString()));
    }

    @Benchmark
    public int withoutFilter(Client client) throws Exception {
        return check(client.http.send(plainRequest, HttpResponse.BodyHandlers.ofString()));
    }

    @Benchmark
    public int bufferingFilterOnly(Client client) throws Exception {
        return check(client.http.send(bufferedRequest, HttpResponse.BodyHandlers.ofString()));
    }

    /** Reads the body and hands the chain a request that replays it: no verification at all. */
    static final class BufferingFilter implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            chain.doFilter(replaying((HttpServletRequest) request), response);
        }

        /** The request with its body read whole, and a request that replays it. */
        static HttpServletRequest replaying(HttpServletRequest request) throws IOException {
            byte[] body = request.getInputStream().readAllBytes();
            return new HttpServletRequestWrapper(request) {
                @Override
                public ServletInputStream getInputStream() {
                    ByteArrayInputStream in = new ByteArrayInputStream(body);
                    return new ServletInputStream() {
                        @Override
                        public boolean isFinished() {
                            return in.available() == 0;
                        }

                        @Override
                        public boolean isReady() {
                            return true;
                        }

                        @Override
                        public void setReadListener(ReadListener listener) {
                            throw new UnsupportedOperationException("blocking reads only");
                        }

                        @Override
                        public int read() {
                            return in.read();
                        }

                        @Override
                        public int read(byte[] b, int off, int len) {
                            return in.read(b, off, len);
                        }
                    };
                }
            };
        }
    }

    private static int check(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("answered " + response.statusCode() + ": " + response.body());
        }
        return response.statusCode();
    }
}
