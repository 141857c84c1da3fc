package io.github.osscallback.adapters;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.spi.CallbackEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * An adapter for the JDK's own HTTP server, written as a new adapter's author would: against the
 * application package and {@code …spi} alone. {@code SpiOnlyAdapterTest} compiles this file as a
 * module that reads only the exported packages, and runs it. It is the whole adapter: translate the
 * exchange, let the endpoint verify, answer with the application's reply or the rejection.
 */
public final class JdkHttpServerAdapter implements HttpHandler {

    private final CallbackEndpoint endpoint;
    private final Function<OssCallback, CallbackReply> application;

    public JdkHttpServerAdapter(CallbackEndpoint endpoint, Function<OssCallback, CallbackReply> application) {
        this.endpoint = endpoint;
        this.application = application;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            CallbackReply reply;
            try {
                reply = application.apply(endpoint.verify(new Incoming(exchange)).callback());
            } catch (CallbackRejectedException e) {
                reply = e.toReply();
            }
            endpoint.checkReply(reply.contentType(), reply.body());
            for (Map.Entry<String, String> header : reply.headers().entrySet()) {
                exchange.getResponseHeaders().set(header.getKey(), header.getValue());
            }
            exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            exchange.sendResponseHeaders(reply.status(), reply.contentLength() == 0 ? -1 : reply.contentLength());
            try (OutputStream out = exchange.getResponseBody()) {
                reply.writeBodyTo(out);
            }
        }
    }

    private static final class Incoming implements CallbackEndpoint.Incoming {
        private final HttpExchange exchange;

        Incoming(HttpExchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public String method() {
            return exchange.getRequestMethod();
        }

        @Override
        public String rawPath() {
            return exchange.getRequestURI().getRawPath();
        }

        @Override
        public String rawQuery() {
            return exchange.getRequestURI().getRawQuery();
        }

        @Override
        public List<String> headers(String name) {
            return exchange.getRequestHeaders().get(name);
        }

        @Override
        public InputStream body() {
            return exchange.getRequestBody();
        }

        @Override
        public long declaredLength() {
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            try {
                return length == null ? -1 : Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        @Override
        public String remoteAddress() {
            InetSocketAddress remote = exchange.getRemoteAddress();
            return remote == null ? null : remote.getAddress().getHostAddress();
        }
    }
}
