package io.github.osscallback.webflux;

import io.github.osscallback.CallbackVerifier;
import java.time.Duration;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Plain Spring WebFlux (no Boot) on Reactor Netty at 127.0.0.1: the configuration classes given,
 * the verifier as a bean, and event-loop threads named {@value #LOOP_PREFIX}, as few as asked.
 */
final class FluxServer implements AutoCloseable {

    static final String LOOP_PREFIX = "flux-loop";

    private final AnnotationConfigApplicationContext context;
    private final LoopResources loops;
    private final DisposableServer server;

    private FluxServer(AnnotationConfigApplicationContext context, LoopResources loops, DisposableServer server) {
        this.context = context;
        this.loops = loops;
        this.server = server;
    }

    static FluxServer start(CallbackVerifier verifier, int eventLoops, Class<?>... configuration) {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        context.registerBean(CallbackVerifier.class, () -> verifier);
        context.register(configuration);
        context.refresh();
        HttpHandler handler = WebHttpHandlerBuilder.applicationContext(context).build();
        LoopResources loops = LoopResources.create(LOOP_PREFIX, 1, eventLoops, true);
        DisposableServer server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .runOn(loops)
                .handle(new ReactorHttpHandlerAdapter(handler))
                .bindNow();
        return new FluxServer(context, loops, server);
    }

    int port() {
        return server.port();
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
        loops.disposeLater().block(Duration.ofSeconds(5));
        context.close();
    }
}
