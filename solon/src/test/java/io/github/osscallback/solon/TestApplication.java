package io.github.osscallback.solon;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.CallbackReply;
import io.github.osscallback.OssCallback;
import io.github.osscallback.fixtures.ReadingCase;
import io.github.osscallback.fixtures.RawTargetTally;
import io.github.osscallback.testing.LoopbackKeyServer;
import io.github.osscallback.testing.OssCallbackSigner;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.noear.solon.Solon;
import org.noear.solon.annotation.Body;
import org.noear.solon.annotation.Controller;
import org.noear.solon.annotation.Mapping;
import org.noear.solon.annotation.Post;
import org.noear.solon.core.handle.Context;
import org.noear.solon.core.util.KeyValues;

/**
 * A Solon application written the natural Solon way (annotated controllers taking OssCallback,
 * Context, named parameters, a bean or the body, returning CallbackReply, a Map or a bean), with
 * the plugin loaded from the jar as Solon loads plugins and configured from app.yml. Solon runs
 * one application per JVM, so every test class shares this one, started on a free port.
 */
@Controller
public class TestApplication {

    static final OssCallbackSigner OSS = OssCallbackSigner.generate();
    /** What reached user code: rejected requests must never appear here. */
    static final List<Object> HANDLED = new CopyOnWriteArrayList<>();
    /** Case ids of the raw-target matrix whose request got through Solon's own parsing to the plugin. */
    static final Set<String> REACHED = ConcurrentHashMap.newKeySet();
    /** "METHOD path -> status reason" of each request the plugin rejected, in order: the server's own record. */
    static final List<String> REJECTIONS = new CopyOnWriteArrayList<>();

    /** Interfaces of the server request under the last callback an action saw. */
    static final java.util.concurrent.atomic.AtomicReference<Class<?>> LAST_REQUEST_TYPE = new java.util.concurrent.atomic.AtomicReference<>();
    /** How many parameters the application's own filter read on the last request to /oss/callback/reply. */
    static final java.util.concurrent.atomic.AtomicReference<Integer> PARAMETERS_SEEN_EARLY = new java.util.concurrent.atomic.AtomicReference<>();
    /** The certificate MNS and EventBridge deliveries are signed with, served under the key server's /events/. */
    static final io.github.osscallback.testing.SigningCertificate EVENT_CERT =
            io.github.osscallback.testing.SigningCertificate.generate();
    /** The event deliveries that reached user code, and the payload each handler read from the context. */
    static final List<io.github.osscallback.EventDelivery> EVENTS = new CopyOnWriteArrayList<>();
    static final List<byte[]> EVENT_PAYLOADS = new CopyOnWriteArrayList<>();
    /** How many deliveries to /oss/events/flaky are still to be failed (answered 503), and to /oss/events/throwing (thrown). */
    static final java.util.concurrent.atomic.AtomicInteger EVENT_FAILURES = new java.util.concurrent.atomic.AtomicInteger();
    static final java.util.concurrent.atomic.AtomicInteger EVENT_THROWS = new java.util.concurrent.atomic.AtomicInteger();
    private static LoopbackKeyServer keys;
    private static LoopbackKeyServer eventKeys;
    private static io.github.osscallback.testing.OssStandIn oss;
    private static int port;

    /** Starts the key server and the application once; later calls return its port. */
    static synchronized int start() throws IOException {
        if (port == 0) {
            keys = LoopbackKeyServer.start().serve("/oss/key.pem", OSS.publicKeyPem());
            // A host of its own: the hostile corpus checks every fetch from the callbacks' key host.
            eventKeys = LoopbackKeyServer.start().serve("/events/cert.pem", EVENT_CERT.pem())
                    .serve("/elsewhere/cert.pem", EVENT_CERT.pem());
            // Far above OSS's 5 s, so a loaded machine cannot fail a callback that should succeed.
            oss = io.github.osscallback.testing.OssStandIn.builder().buckets("photos")
                    .accessKey("test-access-key-id", "test-access-key-secret")
                    .callbackTimeout(java.time.Duration.ofSeconds(60)).start();
            int free;
            try (ServerSocket probe = new ServerSocket(0)) {
                free = probe.getLocalPort();
            }
            Solon.start(TestApplication.class, new String[] {
                "--server.port=" + free, "--server.host=127.0.0.1",
                "--oss.callback.key-url-prefixes=" + keys.baseUrl() + "/oss/," + oss.keyUrl(),
                // Events on, with the starter's default paths (/oss/events/*).
                "--oss.callback.events.mns-certificate-prefixes=" + eventKeys.baseUrl() + "/events/",
                "--oss.callback.events.event-bridge-certificate-prefixes=" + eventKeys.baseUrl() + "/events/",
                "--oss.callback.events.max-body-bytes=8192"}, app -> {
                    // Marks matrix requests Solon itself could parse (pathNew is what it routes by): what it
                    // refuses before this point is the runtime's, not the plugin's.
                    app.filter(-950, (ctx, chain) -> {
                        String id = ctx.header(RawTargetTally.CASE_HEADER);
                        ctx.pathNew();
                        if (id != null) {
                            REACHED.add(id);
                        }
                        chain.doFilter(ctx);
                        Object reason = ctx.attr(io.github.osscallback.spi.CallbackEndpoint.REJECTION_ATTRIBUTE);
                        if (reason != null) {
                            REJECTIONS.add(ctx.method() + " " + ctx.path() + " -> " + ctx.status() + " " + reason);
                        }
                    });
                    // An application filter at Solon's usual index, reading the parameters before any
                    // action, as logging and tracing filters do: it runs after the plugin's and sees the
                    // verified request.
                    app.filter(0, (ctx, chain) -> {
                        ctx.attrSet("parametersSeenEarly", ctx.paramMap().size());
                        chain.doFilter(ctx);
                    });
                });
            port = free;
        }
        return port;
    }

    /** The OSS stand-in, whose key URL the application trusts too: uploads through it call the application back. */
    static io.github.osscallback.testing.OssStandIn oss() {
        return oss;
    }

    static LoopbackKeyServer keys() {
        return keys;
    }

    /** The host of the event deliveries' certificate. */
    static LoopbackKeyServer eventKeys() {
        return eventKeys;
    }

    /** The headers OSS would send with a callback of this body to this path. */
    static Map<String, String> signed(String path, String contentType, byte[] body) {
        return OSS.headers(keys.url("/oss/key.pem"), path, null, contentType, body);
    }

    /** The upload a callback describes, bound by Solon from the verified parameters or JSON body. */
    public static class Upload {
        public String bucket;
        public String object;
        public long size;
    }

    @Post
    @Mapping("/oss/callback/reply")
    public CallbackReply reply(Context ctx, OssCallback callback) {
        HANDLED.add(callback);
        PARAMETERS_SEEN_EARLY.set(ctx.attr("parametersSeenEarly"));
        for (Class<?> type : ctx.request().getClass().getInterfaces()) {
            LAST_REQUEST_TYPE.set(type);
        }
        return CallbackReply.json(Map.of("object", callback.object().orElse("")));
    }

    @Post
    @Mapping("/oss/callback/map")
    public Map<String, Object> map(OssCallback callback) {
        HANDLED.add(callback);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", callback.object().orElse(""));
        out.put("note", "\u4e0a\u4f20\u6210\u529f");
        return out;
    }

    /** A reply OSS would refuse (text, not JSON): sent as it is, and logged as an error. */
    @Post
    @Mapping("/oss/callback/text")
    public String text(OssCallback callback) {
        HANDLED.add(callback);
        return "stored";
    }

    /** Refuses, as an application may, a verified callback it has no use for. */
    @Post
    @Mapping("/oss/callback/uploads-only")
    public CallbackReply uploadsOnly(OssCallback callback) throws CallbackRejectedException {
        if (!callback.object().orElse("").startsWith("uploads/")) {
            throw new CallbackRejectedException(CallbackRejectedException.Reason.UPLOAD_TOKEN_MISMATCH,
                    "object outside uploads/");
        }
        HANDLED.add(callback);
        return CallbackReply.ok();
    }

    /** The body every way Solon offers it, against the signed bytes. */
    @Post
    @Mapping("/oss/callback/body")
    public Map<String, Object> body(Context ctx, @Body String body) throws IOException {
        OssCallback callback = OssCallbacks.from(ctx);
        HANDLED.add(callback);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bodyParameter", body.equals(new String(callback.body(), java.nio.charset.StandardCharsets.UTF_8)));
        out.put("body", ctx.body().equals(body));
        out.put("bytes", Arrays.equals(ctx.bodyAsBytes(), callback.body()));
        out.put("stream", Arrays.equals(ctx.bodyAsStream().readAllBytes(), callback.body()));
        out.put("current", Context.current() == ctx);
        return out;
    }

    /** A bean Solon binds: from the verified form fields, or from the verified JSON body. */
    @Post
    @Mapping("/oss/callback/bean")
    public Upload bean(Upload upload) {
        HANDLED.add(upload);
        return upload;
    }

    /** Every parameter view Solon offers, beside the verifier's own reading. */
    @Post
    @Mapping("/oss/callback/views")
    public Map<String, Object> views(Context ctx, OssCallback callback, String object, String bucket) {
        HANDLED.add(callback);
        Map<String, Object> values = new LinkedHashMap<>();
        for (String name : ReadingCase.PROBES) {
            String[] v = ctx.paramValues(name);
            values.put(name, v == null ? null : Arrays.asList(v));
        }
        Map<String, List<String>> merged = new LinkedHashMap<>();
        for (KeyValues<String> kv : ctx.paramMap()) {
            merged.put(kv.getKey(), new ArrayList<>(kv.getValues()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fields", callback.fields());
        out.put("query", callback.queryParameters());
        out.put("merged", merged);
        out.put("values", values);
        if (!java.util.Objects.equals(object, ctx.param("object")) || !java.util.Objects.equals(bucket, ctx.param("bucket"))) {
            out.put("inconsistent", "named parameter");
        }
        return out;
    }

    /** For the raw request-target matrix: any path below /matrix. */
    @Post
    @Mapping("/matrix/**")
    public CallbackReply matrix(OssCallback callback) {
        return CallbackReply.json(Map.of("verified", true));
    }

    /** For the hostile corpus: any path below /oss/callback/hostile. */
    @Post
    @Mapping("/oss/callback/hostile/**")
    public CallbackReply hostile(OssCallback callback) {
        HANDLED.add(callback);
        return CallbackReply.ok();
    }

    /** Outside oss.callback.paths: the plugin never verifies these requests. */
    @Post
    @Mapping("/unguarded/callback")
    public CallbackReply unguarded(OssCallback callback) {
        HANDLED.add(callback);
        return CallbackReply.ok();
    }

    /** An event handler as an application writes one: the verified delivery as a parameter, the payload from the context. */
    @Post
    @Mapping("/oss/events/uploads")
    public void uploads(Context ctx, io.github.osscallback.EventDelivery delivery, @Body String body) throws IOException {
        EVENTS.add(delivery);
        EVENT_PAYLOADS.add(ctx.bodyAsBytes());
        if (!body.equals(delivery.bodyAsString()) || !Arrays.equals(ctx.bodyAsStream().readAllBytes(), delivery.body())) {
            throw new IllegalStateException("the handler was not given the verified payload");
        }
        ctx.status(204);
    }

    /** Through the helper, answering 503 while EVENT_FAILURES says so, as a handler whose database is down. */
    @Post
    @Mapping("/oss/events/flaky")
    public Map<String, Object> flaky(Context ctx) throws IOException {
        io.github.osscallback.EventDelivery delivery = OssEvents.from(ctx);
        EVENTS.add(delivery);
        EVENT_PAYLOADS.add(ctx.bodyAsBytes());
        if (EVENT_FAILURES.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            ctx.status(503);
            return Map.of("stored", false);
        }
        return Map.of("stored", true);
    }

    /** Throws while EVENT_THROWS says so. */
    @Post
    @Mapping("/oss/events/throwing")
    public void throwing(Context ctx, io.github.osscallback.EventDelivery delivery) throws IOException {
        EVENTS.add(delivery);
        EVENT_PAYLOADS.add(ctx.bodyAsBytes());
        if (EVENT_THROWS.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("the application failed to store the event");
        }
        ctx.status(204);
    }

    /** Outside oss.callback.events.paths: an action asking for a delivery here must never run. */
    @Post
    @Mapping("/unguarded/event")
    public void unguardedEvent(io.github.osscallback.EventDelivery delivery) {
        EVENTS.add(delivery);
    }
}
