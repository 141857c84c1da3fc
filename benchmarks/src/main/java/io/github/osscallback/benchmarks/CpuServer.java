package io.github.osscallback.benchmarks;

import io.github.osscallback.CallbackReply;
import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.ReplayStore;
import io.github.osscallback.fixtures.Jetty;
import io.github.osscallback.redis.RedisReplayStore;
import io.github.osscallback.servlet.FramingOnlyFilter;
import io.github.osscallback.servlet.OssCallbackFilter;
import io.github.osscallback.servlet.OssCallbacks;
import io.github.osscallback.webflux.FramingOnlyWebFilter;
import io.github.osscallback.webflux.OssCallbackWebFilter;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The server process of {@link ServerCpuPerRequest}: one stack ({@code jetty}, {@code tomcat} or
 * {@code webflux}) on a loopback port, the same endpoint under {@code /filter/} (the library's
 * filter), {@code /framed/} (a filter that buffers the body and holds the reply as the library's
 * does, without verifying), {@code /buffered/} (a filter that only buffers the body) and
 * {@code /plain/} (no filter). Prints {@code port N} once it listens, and stops when its standard
 * input ends. Arguments: stack, key URL prefix to trust, key URL to prefetch. The stack
 * {@code jetty-replay} is Jetty with the library's filter and replay protection instead, in memory
 * under {@code /memory/} and on Redis under {@code /redis/} (a fourth argument: the Redis URI), and
 * under {@code /floor/} on a bare Lettuce {@code SET NX PX} ({@link BareRedisStore}).
 * The stack {@code quarkus} is not here: it is the benchmarks-quarkus module's packaged
 * application, which speaks the same protocol in a JVM of its own.
 */
public final class CpuServer {

    private CpuServer() {
    }

    public static void main(String[] args) throws Exception {
        String stack = args[0];
        CallbackVerifier verifier = CallbackVerifier.builder()
                .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(args[1]).build())
                .maxBodyBytes(128 * 1024)
                .build();
        verifier.prefetchKey(args[2]);
        AutoCloseable server;
        int port;
        switch (stack) {
            case "jetty": {
                Server jetty = new Server();
                ServerConnector connector = Jetty.addConnector(jetty, "127.0.0.1", 0);
                ServletContextHandler context = new ServletContextHandler("/");
                servletFilters(verifier).forEach((path, filter) -> {
                    if (filter != null) {
                        context.addFilter(new FilterHolder(filter), path, EnumSet.of(DispatcherType.REQUEST));
                    }
                    context.addServlet(new ServletHolder(new Endpoint()), path);
                });
                jetty.setHandler(context);
                jetty.start();
                port = connector.getLocalPort();
                server = jetty::stop;
                break;
            }
            case "tomcat": {
                Path base = Files.createTempDirectory("tomcat-cpu");
                Tomcat tomcat = new Tomcat();
                tomcat.setBaseDir(base.toString());
                tomcat.setPort(0);
                tomcat.getConnector().setProperty("address", "127.0.0.1");
                // Keep-alive connections for the whole batch, as Jetty and Reactor Netty keep them (Tomcat closes after 100).
                tomcat.getConnector().setProperty("maxKeepAliveRequests", "-1");
                Context context = tomcat.addContext("", base.toString());
                servletFilters(verifier).forEach((path, filter) -> {
                    String name = path.substring(1, path.indexOf('/', 1));
                    if (filter != null) {
                        FilterDef def = new FilterDef();
                        def.setFilterName(name);
                        def.setFilter(filter);
                        context.addFilterDef(def);
                        FilterMap map = new FilterMap();
                        map.setFilterName(name);
                        map.addURLPattern(path);
                        context.addFilterMap(map);
                    }
                    Tomcat.addServlet(context, name, new Endpoint());
                    context.addServletMappingDecoded(path, name);
                });
                tomcat.start();
                port = tomcat.getConnector().getLocalPort();
                server = () -> {
                    tomcat.stop();
                    tomcat.destroy();
                };
                break;
            }
            case "jetty-replay": {
                // Replay protection, in memory under /memory/, on Redis (args[3]) under /redis/, and under
                // /floor/ on a bare Lettuce SET NX PX: one round trip and nothing around it.
                // A command timeout near OSS's 5 s, not the default 300 ms: on the oversubscribed machine a
                // cold server can stall that long, and a 503 ends the run; this measures cost, not timeouts.
                RedisReplayStore redis = RedisReplayStore.builder().uri(args[3]).commandTimeout(Duration.ofSeconds(4)).build();
                BareRedisStore floor = new BareRedisStore(args[3]);
                Server jetty = new Server();
                ServerConnector connector = Jetty.addConnector(jetty, "127.0.0.1", 0);
                ServletContextHandler context = new ServletContextHandler("/");
                Map<String, ReplayStore> stores = Map.of("/memory/*", ReplayStore.inMemory(1_000_000), "/redis/*", redis,
                        "/floor/*", floor);
                for (Map.Entry<String, ReplayStore> store : stores.entrySet()) {
                    CallbackVerifier replaying = CallbackVerifier.builder()
                            .keyUrlPolicy(KeyUrlPolicy.builder().allowPrefix(args[1]).build())
                            .replayProtection(Duration.ofMinutes(10), store.getValue())
                            .build();
                    replaying.prefetchKey(args[2]);
                    context.addFilter(new FilterHolder(new OssCallbackFilter(replaying)), store.getKey(),
                            EnumSet.of(DispatcherType.REQUEST));
                    context.addServlet(new ServletHolder(new Endpoint()), store.getKey());
                }
                jetty.setHandler(context);
                jetty.start();
                port = connector.getLocalPort();
                server = () -> {
                    jetty.stop();
                    redis.close();
                    floor.close();
                };
                break;
            }
            case "webflux": {
                RouterFunction<ServerResponse> route = RouterFunctions.route()
                        .POST("/{kind}/cb", request -> request.bodyToMono(byte[].class)
                                .flatMap(body -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                                        .bodyValue(Map.of("Status", "OK", "bytes", body.length))))
                        .build();
                var handler = WebHttpHandlerBuilder.webHandler(RouterFunctions.toWebHandler(route))
                        .filter(new OssCallbackWebFilter(verifier, "/filter/*"),
                                new FramingOnlyWebFilter(verifier, "/framed/", CpuServer::bufferedExchange),
                                bufferingOnly("/buffered/"))
                        .build();
                DisposableServer netty = HttpServer.create().host("127.0.0.1").port(0)
                        .handle(new ReactorHttpHandlerAdapter(handler)).bindNow();
                port = netty.port();
                server = () -> netty.disposeNow(Duration.ofSeconds(5));
                break;
            }
            default:
                throw new IllegalArgumentException("no stack " + stack + " (jetty, tomcat, webflux)");
        }
        System.out.println("port " + port);
        System.out.flush();
        while (System.in.read() >= 0) {
            // until the harness closes our input
        }
        server.close();
        verifier.close();
    }

    /** Path mapping to its filter, null for none; the same for Jetty and Tomcat. */
    private static Map<String, Filter> servletFilters(CallbackVerifier verifier) {
        Map<String, Filter> filters = new LinkedHashMap<>();
        filters.put("/filter/*", new OssCallbackFilter(verifier));
        filters.put("/framed/*", new FramingOnlyFilter(verifier, request -> {
            try {
                return EndToEndBenchmark.BufferingFilter.replaying(request);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }));
        filters.put("/buffered/*", new EndToEndBenchmark.BufferingFilter());
        filters.put("/plain/*", null);
        return filters;
    }

    /** The application endpoint: reads the body and answers with JSON, as a callback handler does. */
    static final class Endpoint extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            byte[] body = req.getInputStream().readAllBytes();
            OssCallbacks.reply(resp, CallbackReply.json(Map.of("Status", "OK", "bytes", body.length)));
        }
    }

    /**
     * The floor of a Redis replay store: Lettuce's {@code SET key 1 NX PX window} on a client with
     * its defaults, the reply read as the answer; no timeout of its own, no key hashing, no error
     * mapping. What a Redis store costs beyond this is the library's.
     */
    static final class BareRedisStore implements ReplayStore, AutoCloseable {
        private final RedisClient client;
        private final RedisAsyncCommands<String, String> commands;

        BareRedisStore(String uri) {
            client = RedisClient.create(uri);
            commands = client.connect().async();
        }

        @Override
        public boolean firstSeen(String key, Duration window) {
            return firstSeenAsync(key, window).toCompletableFuture().join();
        }

        @Override
        public CompletionStage<Boolean> firstSeenAsync(String key, Duration window) {
            return commands.set("floor:" + key, "1", SetArgs.Builder.nx().px(window.toMillis())).thenApply("OK"::equals);
        }

        @Override
        public void close() {
            client.shutdown();
        }
    }

    /** The body read whole, and an exchange whose request replays it: no verification at all. */
    static Mono<ServerWebExchange> bufferedExchange(ServerWebExchange exchange) {
        return DataBufferUtils.join(exchange.getRequest().getBody()).map(joined -> {
            byte[] bytes = new byte[joined.readableByteCount()];
            joined.read(bytes);
            DataBufferUtils.release(joined);
            var request = new ServerHttpRequestDecorator(exchange.getRequest()) {
                @Override
                public Flux<DataBuffer> getBody() {
                    return Flux.defer(() -> Flux.just(exchange.getResponse().bufferFactory().wrap(bytes)));
                }
            };
            return exchange.mutate().request(request).build();
        });
    }

    private static WebFilter bufferingOnly(String prefix) {
        Function<ServerWebExchange, Mono<ServerWebExchange>> buffering = CpuServer::bufferedExchange;
        return (exchange, chain) -> exchange.getRequest().getPath().value().startsWith(prefix)
                ? buffering.apply(exchange).flatMap(chain::filter)
                : chain.filter(exchange);
    }
}
