package io.github.osscallback.benchmarks;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import io.github.osscallback.webflux.OssCallbackWebFilter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * End to end over loopback HTTP through Spring WebFlux on Reactor Netty: the same functional
 * endpoint behind {@link OssCallbackWebFilter} ({@code /protected}) and behind a filter that only
 * buffers the body and replays it ({@code /buffered}), the least any body-reading filter costs; in
 * the same run, from 16 client threads.
 */
@State(Scope.Benchmark)
@Threads(16)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WebFluxEndToEndBenchmark {

    private LoopbackKeyServer keyServer;
    private CallbackVerifier verifier;
    private DisposableServer server;
    private HttpRequest protectedRequest;
    private HttpRequest bufferedRequest;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        OssCallbackSigner oss = OssCallbackSigner.generate(512);
        keyServer = LoopbackKeyServer.start();
        keyServer.serve("/oss/key.pem", oss.publicKeyPem());
        String keyUrl = keyServer.url("/oss/key.pem");
        verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(keyServer.baseUrl() + "/oss/").build())
                .build();
        verifier.prefetchKey(keyUrl);

        // The application endpoint: reads the body and answers with JSON, as a callback handler does.
        RouterFunction<ServerResponse> route = RouterFunctions.route()
                .POST("/{kind}/cb", request -> request.bodyToMono(byte[].class)
                        .flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(Map.of("Status", "OK", "bytes", body.length))))
                .build();
        var handler = WebHttpHandlerBuilder.webHandler(RouterFunctions.toWebHandler(route))
                .filter(new OssCallbackWebFilter(verifier, "/protected/*"), bufferingOnly())
                .build();
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
        String base = "http://127.0.0.1:" + server.port();

        HttpClient http = EndToEndBenchmark.newClient();
        byte[] body = Bodies.of("form-200");
        protectedRequest = request(base, "/protected/cb", oss, keyUrl, body);
        bufferedRequest = request(base, "/buffered/cb", oss, keyUrl, body);
        for (HttpRequest r : new HttpRequest[] {protectedRequest, bufferedRequest}) {
            HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(r.uri() + " answered " + response.statusCode() + " " + response.body());
            }
        }
    }

    /** Reads the whole body on /buffered and hands the chain a request that replays it: no verification at all. */
    private static WebFilter bufferingOnly() {
        return (exchange, chain) -> {
            if (!exchange.getRequest().getPath().value().startsWith("/buffered/")) {
                return chain.filter(exchange);
            }
            return DataBufferUtils.join(exchange.getRequest().getBody()).flatMap(joined -> {
                byte[] bytes = new byte[joined.readableByteCount()];
                joined.read(bytes);
                DataBufferUtils.release(joined);
                var request = new ServerHttpRequestDecorator(exchange.getRequest()) {
                    @Override
                    public Flux<DataBuffer> getBody() {
                        return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(bytes)));
                    }
                };
                return chain.filter(exchange.mutate().request(request).build());
            }).then(Mono.empty());
        };
    }

    private static HttpRequest request(String base, String path, OssCallbackSigner oss, String keyUrl, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        oss.headers(keyUrl, path, null, Bodies.FORM, body).forEach(request::header);
        return request.build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        server.disposeNow(Duration.ofSeconds(5));
        verifier.close();
        keyServer.close();
    }

    /** Each client thread has its own HTTP client, so its connection is never idle in a shared pool. */
    @State(Scope.Thread)
    public static class Client {
        final HttpClient http = EndToEndBenchmark.newClient();
    }

    @Benchmark
    public int withFilter(Client client) throws Exception {
        return check(client.http.send(protectedRequest, HttpResponse.BodyHandlers.ofString()));
    }

    @Benchmark
    public int bufferingFilterOnly(Client client) throws Exception {
        return check(client.http.send(bufferedRequest, HttpResponse.BodyHandlers.ofString()));
    }

    private static int check(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("answered " + response.statusCode() + ": " + response.body());
        }
        return response.statusCode();
    }
}
