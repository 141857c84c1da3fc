package io.github.osscallback.spi;

import io.github.osscallback.CallbackRejectedException;
import io.github.osscallback.EventDelivery;
import io.github.osscallback.EventRequest;
import io.github.osscallback.EventVerifier;
import io.github.osscallback.internal.LogSafe;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * What every server adapter does around an {@link EventVerifier}, written once: turning the
 * container's request into an {@link EventRequest} (every header, the raw target, the full URL
 * EventBridge signs), reading the body within the limit, verifying (blocking, or without
 * blocking through {@link #verifyAsync}), logging a refusal in one line, the replies an adapter
 * sends without the application, and letting a sender's retry in when the application failed.
 *
 * <p>A redelivery (a message id already accepted, {@code duplicate_delivery}) is answered by the
 * adapter, without calling the application: 200, so MNS and EventBridge stop retrying, with a
 * body that says it is a duplicate rather than an error ({@link #replyTo}). The application is
 * thus called once per message, and again only after {@link #finished} saw it fail. The reasons
 * are in docs/events.md ("Redeliveries").
 */
public final class EventEndpoint implements AutoCloseable {

    /** The request attribute (servlet) or exchange attribute in which an adapter leaves a refusal's reason code. */
    public static final String REJECTION_ATTRIBUTE = CallbackEndpoint.REJECTION_ATTRIBUTE;

    private final String name;
    private final EventVerifier verifier;
    private final System.Logger log;
    private final String baseUrl;
    /** Whether this endpoint built the verifier, and so closes it; a verifier passed in is its owner's. */
    private final boolean ownsVerifier;
    private final ContainerCheck containerCheck;
    private final AtomicBoolean containerChecked = new AtomicBoolean();

    private EventEndpoint(String name, EventVerifier verifier, System.Logger log, String baseUrl,
                          boolean ownsVerifier, ContainerCheck containerCheck) {
        this.name = Objects.requireNonNull(name, "name");
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.log = Objects.requireNonNull(log, "log");
        this.baseUrl = baseUrl;
        this.ownsVerifier = ownsVerifier;
        this.containerCheck = containerCheck;
    }

    /**
     * This endpoint with a container check run once, at its first request (Jetty's header cache,
     * which may change the case of a signed header's value, breaks deliveries as it breaks
     * callbacks). The verifier and who owns it are unchanged: close only one of the two endpoints.
     */
    public EventEndpoint withContainerCheck(ContainerCheck check) {
        return new EventEndpoint(name, verifier, log, baseUrl, ownsVerifier, Objects.requireNonNull(check, "check"));
    }

    private void checkContainerOnce(Incoming request) {
        if (containerCheck != null && !containerChecked.get() && !containerChecked.getAndSet(true)) {
            try {
                containerCheck.check(request.containerRequest(), name, log);
            } catch (RuntimeException | LinkageError e) {
                // A diagnostic must never fail a delivery.
                log.log(System.Logger.Level.DEBUG, "container check skipped: {0}", e.toString());
            }
        }
    }

    /**
     * An endpoint verifying with the given verifier, which stays its caller's (close it yourself).
     *
     * @param name the adapter, as refusals name it (e.g. {@code OssEventFilter})
     * @param log where refusals go: the adapter's own logger
     */
    public static EventEndpoint of(String name, EventVerifier verifier, System.Logger log) {
        return new EventEndpoint(name, verifier, log, null, false, null);
    }

    /**
     * An endpoint verifying with a verifier it builds from container settings (servlet
     * init-params) and owns: {@link #close()} closes it. Every name starting with {@code prefix}
     * is an {@link EventSettings} name after it, and one that is not is refused with the nearest
     * setting suggested; {@code baseUrl} sets {@link #withBaseUrl}.
     *
     * @throws IllegalStateException naming the adapter and the setting (never the token's value)
     *     when a setting is unknown, malformed or contradicts another
     */
    public static EventEndpoint configured(String name, String source, String prefix, Iterable<String> names,
                                           Function<String, ?> value, System.Logger log) {
        Objects.requireNonNull(log, "log");
        String adapter = name + " (" + source + ")";
        Map<String, String> settings = new HashMap<>();
        for (String fullName : names) {
            if (!fullName.startsWith(prefix)) {
                continue;
            }
            String setting = fullName.substring(prefix.length());
            if (!EventSettings.NAMES.contains(setting)) {
                throw new IllegalStateException(adapter + " is misconfigured: " + EventSettings.unknown(prefix, fullName));
            }
            Object v = value.apply(fullName);
            if (v != null) {
                settings.put(setting, v.toString());
            }
        }
        EventVerifier built;
        String base;
        try {
            built = EventSettings.configure(EventVerifier.builder(), settings).build();
            base = EventSettings.baseUrl(settings).orElse(null);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException(adapter + " is misconfigured: " + e.getMessage(), e);
        }
        EventEndpoint endpoint = new EventEndpoint(name, built, log, null, true, null);
        try {
            return base == null ? endpoint : endpoint.withBaseUrl(base);
        } catch (IllegalArgumentException e) {
            built.close();
            throw new IllegalStateException(adapter + " is misconfigured: setting baseUrl: " + e.getMessage(), e);
        }
    }

    /** Closes the verifier if this endpoint built it ({@link #configured}); one passed in is left open. */
    @Override
    public void close() {
        if (ownsVerifier) {
            verifier.close();
        }
    }

    /**
     * This endpoint taking EventBridge's signed URL as {@code baseUrl} (scheme, host, port and
     * any path prefix a proxy strips) followed by the raw request target, instead of the URL the
     * request itself shows. Needed behind a proxy that terminates TLS or rewrites the host.
     *
     * @param baseUrl e.g. {@code https://events.example.com}, without a trailing slash
     */
    public EventEndpoint withBaseUrl(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!(baseUrl.startsWith("https://") || baseUrl.startsWith("http://")) || baseUrl.endsWith("/")) {
            throw new IllegalArgumentException(name + ": the base URL must be http(s)://host[:port][/prefix]"
                    + " without a trailing slash");
        }
        return new EventEndpoint(name, verifier, log, baseUrl, ownsVerifier, containerCheck);
    }

    /** The verifier. */
    public EventVerifier verifier() {
        return verifier;
    }

    /**
     * Verifies one request, reading its body within the verifier's limit. A refusal is logged
     * here, once, and rethrown for the adapter to answer with {@link #replyTo}.
     *
     * @throws CallbackRejectedException when it is not a genuine delivery, or a redelivery
     */
    public EventDelivery verify(Incoming request) throws CallbackRejectedException {
        checkContainerOnce(request);
        try {
            EventRequest head = head(request);
            return verifier.verify(head, CallbackEndpoint.bodyOf(request), request.declaredLength());
        } catch (CallbackRejectedException e) {
            logRefusal(e, request);
            throw e;
        }
    }

    /**
     * Verifies one request without blocking, its body arriving from {@code body} (the request's
     * {@link Incoming#body()} is not used), within the verifier's limit; each buffer is copied
     * before {@code onNext} returns. A refusal is logged here, once.
     *
     * @return a stage with the delivery, or failed with the {@link CallbackRejectedException}
     *     (wrapped in a {@link CompletionException} for dependent stages)
     */
    public CompletionStage<EventDelivery> verifyAsync(Incoming request, Flow.Publisher<ByteBuffer> body) {
        Objects.requireNonNull(body, "body");
        checkContainerOnce(request);
        EventRequest head;
        try {
            head = head(request);
        } catch (CallbackRejectedException e) {
            logRefusal(e, request);
            return CompletableFuture.failedFuture(e);
        }
        return verifier.verifyAsync(head, body, request.declaredLength()).toCompletableFuture()
                .whenComplete((delivery, error) -> {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (cause instanceof CallbackRejectedException) {
                        logRefusal((CallbackRejectedException) cause, request);
                    }
                });
    }

    /**
     * The reply to a refusal, with an exact length (and {@code Allow: POST} on a 405): for a redelivery 200 and
     * {@code {"status":"DUPLICATE","reason":"duplicate_delivery"}}, for anything else the reason's
     * status and {@code {"status":"REJECTED","reason":"<code>"}}.
     */
    public static Reply replyTo(CallbackRejectedException e) {
        CallbackRejectedException.Reason reason = e.reason();
        String status = reason == CallbackRejectedException.Reason.DUPLICATE_DELIVERY ? "DUPLICATE" : "REJECTED";
        byte[] body = ("{\"status\":\"" + status + "\",\"reason\":\"" + reason.code() + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        // RFC 9110: a 405 names the methods the resource does accept.
        return new Reply(reason.httpStatus(), "application/json", body,
                reason == CallbackRejectedException.Reason.METHOD_NOT_ALLOWED ? Map.of("Allow", "POST") : Map.of());
    }

    /**
     * Tells the endpoint how the application's handling of a delivery ended: when the answer is
     * not 2xx the sender will retry, so the delivery's message id is forgotten and the retry is
     * taken as a first delivery, not answered as a duplicate. Blocks on the duplicate store;
     * reactive adapters use {@link #finishedAsync}.
     *
     * @param status the status sent, or 500 when the application threw
     */
    public void finished(EventDelivery delivery, int status) {
        if (status < 200 || status > 299) {
            verifier.release(delivery);
            log.log(System.Logger.Level.INFO, "{0}: the application answered {1} to {2} message {3}; its id is"
                    + " released so the retry is handled as a first delivery", name, String.valueOf(status),
                    delivery.service(), LogSafe.text(delivery.messageId().orElse("")));
        }
    }

    /** {@link #finished} without blocking on the duplicate store; the stage always completes normally. */
    public CompletionStage<Void> finishedAsync(EventDelivery delivery, int status) {
        if (status >= 200 && status <= 299) {
            return CompletableFuture.completedFuture(null);
        }
        log.log(System.Logger.Level.INFO, "{0}: the application answered {1} to {2} message {3}; its id is"
                + " released so the retry is handled as a first delivery", name, String.valueOf(status),
                delivery.service(), LogSafe.text(delivery.messageId().orElse("")));
        return verifier.releaseAsync(delivery).exceptionally(e -> null);
    }

    private void logRefusal(CallbackRejectedException e, Incoming request) {
        CallbackRejectedException.Reason reason = e.reason();
        String from = request.remoteAddress() == null ? "" : " from " + LogSafe.text(request.remoteAddress());
        if (reason == CallbackRejectedException.Reason.DUPLICATE_DELIVERY) {
            // Not an error: the sender retried a delivery the application already has.
            log.log(System.Logger.Level.INFO, "OSS event redelivery answered by {0} without the application:"
                    + " {1} ({2}){3}: {4}", name, reason.code(), String.valueOf(reason.httpStatus()), from,
                    e.getMessage());
            return;
        }
        log.log(System.Logger.Level.INFO, "OSS event delivery rejected by {0}: {1} ({2}), {3}{4}: {5}", name,
                reason.code(), String.valueOf(reason.httpStatus()), LogSafe.text(request.method()), from,
                e.getMessage());
    }

    /** The request as the verifier reads it: method, raw target, full URL and every header. */
    private EventRequest head(Incoming request) throws CallbackRejectedException {
        String path = request.rawPath();
        if (path == null || !path.startsWith("/")) {
            throw new CallbackRejectedException(CallbackRejectedException.Reason.MALFORMED_PATH,
                    "the request target is not a path");
        }
        String target = path + (request.rawQuery() == null ? "" : "?" + request.rawQuery());
        String url = baseUrl != null ? baseUrl + target : request.url();
        EventRequest.Builder head = EventRequest.builder(request.method(), target);
        if (url != null) {
            head.url(url);
        } else if (request.headers("x-eventbridge-signature") != null
                && !request.headers("x-eventbridge-signature").isEmpty()) {
            // The verifier needs the URL EventBridge signed; without a Host there is none to rebuild.
            throw new CallbackRejectedException(CallbackRejectedException.Reason.MISSING_HEADER,
                    "host is absent, and EventBridge signs the full URL");
        }
        Set<String> seen = new HashSet<>();
        for (String header : request.headerNames()) {
            // A container may list one name twice in two spellings; its values are read once.
            if (!seen.add(header.toLowerCase(Locale.ROOT))) {
                continue;
            }
            List<String> values = request.headers(header);
            if (values != null) {
                for (String value : values) {
                    head.header(header, value);
                }
            }
        }
        return head.build();
    }

    @Override
    public String toString() {
        return "EventEndpoint[" + name + "]";
    }

    /** One request as the container presents it: what {@link CallbackEndpoint.Incoming} gives, plus every header and the URL. */
    public interface Incoming extends CallbackEndpoint.Incoming {
        /** Every header name the request carries (in any case; repeated names are harmless). */
        Iterable<String> headerNames();

        /**
         * The URL as the sender addressed it: scheme, the {@code Host} header as sent, and the raw
         * target; EventBridge signs it. Null when the container cannot say.
         */
        String url();
    }

    /** A reply an adapter writes as it is: status, content type (null when there is no body) and body. */
    public static final class Reply {
        private final int status;
        private final String contentType;
        private final byte[] body;
        private final Map<String, String> headers;

        Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
            this.status = status;
            this.contentType = contentType;
            this.body = body;
            this.headers = headers;
        }

        /** Headers to set besides Content-Type and Content-Length: {@code Allow} on a 405. */
        public Map<String, String> headers() {
            return headers;
        }

        /** The status. */
        public int status() {
            return status;
        }

        /** The content type, or null for a reply without a body. */
        public String contentType() {
            return contentType;
        }

        /** The body's exact length, for Content-Length. */
        public int contentLength() {
            return body.length;
        }

        /** A copy of the body. */
        public byte[] body() {
            return body.clone();
        }

        @Override
        public String toString() {
            return "Reply[" + status + ", " + body.length + " bytes]";
        }
    }
}
