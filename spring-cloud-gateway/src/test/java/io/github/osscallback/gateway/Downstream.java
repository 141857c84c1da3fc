package io.github.osscallback.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The service behind the gateway, on 127.0.0.1: a Reactor Netty server (which takes any request
 * target as sent) that records every request it receives, byte for byte, and answers JSON with a
 * Content-Length; below {@code /text} it answers {@code text/plain}, below {@code /chunked} JSON
 * without a length.
 */
final class Downstream implements AutoCloseable {

    /** One request as the downstream received it. */
    record Received(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
        /** Every value of a header, names compared ignoring case. */
        List<String> header(String name) {
            List<String> values = new ArrayList<>();
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    values.add(h.getValue());
                }
            }
            return values;
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final DisposableServer server;

    private Downstream() {
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .flatMap(body -> {
                            List<Map.Entry<String, String>> headers = new ArrayList<>();
                            request.requestHeaders().forEach(h -> headers.add(Map.entry(h.getKey(), h.getValue())));
                            received.add(new Received(request.method().name(), request.uri(), List.copyOf(headers), body));
                            String path = request.uri().toLowerCase(Locale.ROOT);
                            if (path.contains("/text")) {
                                byte[] text = "thanks".getBytes(StandardCharsets.UTF_8);
                                return response.header("Content-Type", "text/plain")
                                        .header("Content-Length", Integer.toString(text.length))
                                        .sendByteArray(Mono.just(text)).then();
                            }
                            byte[] json = ("{\"status\":\"OK\",\"verified\":true,\"received\":" + body.length + "}")
                                    .getBytes(StandardCharsets.UTF_8);
                            response.header("Content-Type", "application/json");
                            if (!path.contains("/chunked")) {
                                response.header("Content-Length", Integer.toString(json.length));
                            }
                            return response.sendByteArray(Mono.just(json)).then();
                        }))
                .bindNow(Duration.ofSeconds(10));
    }

    static Downstream start() {
        return new Downstream();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The requests received carrying this header value (a case id), removing them. */
    List<Received> take(String header, String value) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.header(header).contains(value)) {
                out.add(r);
                received.remove(r);
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(5));
    }
}
