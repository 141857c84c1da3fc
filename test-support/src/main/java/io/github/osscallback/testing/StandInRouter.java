package io.github.osscallback.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The stand-in's HTTP face: logs each request, serves the key and CORS preflights, finds the
 * bucket (path-style or virtual-hosted) and key, checks the AccessKey signature, hands the
 * request to the operation it names, and sends the answer, or OSS's XML error, with OSS's headers.
 */
final class StandInRouter {

    private final Set<String> buckets;
    private final Clock clock;
    /** Null when requests need no signature. */
    private final RequestAuthentication authentication;
    private final byte[] publicKeyPem;
    private final ObjectOperations objects;
    private final MultipartUploads multipart;
    private final PostObjectUpload postObject;
    private final List<String> requestLog = new CopyOnWriteArrayList<>();

    StandInRouter(Set<String> buckets, Clock clock, RequestAuthentication authentication, String publicKeyPem,
                  ObjectOperations objects, MultipartUploads multipart, PostObjectUpload postObject) {
        this.buckets = buckets;
        this.clock = clock;
        this.authentication = authentication;
        this.publicKeyPem = publicKeyPem.getBytes(StandardCharsets.US_ASCII);
        this.objects = objects;
        this.multipart = multipart;
        this.postObject = postObject;
    }

    /** Every request received, as {@code METHOD /raw/path?query}, in order. */
    List<String> requests() {
        return List.copyOf(requestLog);
    }

    void handle(HttpExchange exchange) throws IOException {
        String requestId = Digests.randomId(12);
        String host = exchange.getRequestHeaders().getFirst("Host");
        StandInAnswer answer;
        try {
            URI uri = exchange.getRequestURI();
            requestLog.add(exchange.getRequestMethod() + " " + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            answer = answer(exchange, requestId);
        } catch (OssRefusal refusal) {
            answer = StandInAnswer.error(refusal.status, refusal.code, refusal.getMessage(), requestId, host);
        } catch (RuntimeException e) {
            answer = StandInAnswer.error(500, "InternalError", "The stand-in failed: " + e, requestId, host);
        }
        try {
            send(exchange, answer, requestId);
        } finally {
            exchange.close();
        }
    }

    private void send(HttpExchange exchange, StandInAnswer answer, String requestId) throws IOException {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin != null) {
            // As a bucket whose CORS rule allows every origin: browsers may read every answer.
            answer.headers.put("Access-Control-Allow-Origin", origin);
            answer.headers.put("Access-Control-Expose-Headers", "ETag, x-oss-request-id, x-oss-hash-crc64ecma");
            answer.headers.put("Vary", "Origin");
        }
        answer.headers.put("x-oss-request-id", requestId);
        answer.headers.put("Date", StandInAnswer.HTTP_DATE.format(clock.instant()));
        answer.headers.put("Server", "AliyunOSS");
        answer.headers.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        boolean head = exchange.getRequestMethod().equals("HEAD");
        if (head) {
            exchange.getResponseHeaders().set("Content-Length", Integer.toString(answer.body.length));
        }
        exchange.sendResponseHeaders(answer.status, head || answer.body.length == 0 ? -1 : answer.body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(answer.body);
            }
        }
    }

    private StandInAnswer answer(HttpExchange exchange, String requestId) throws IOException, OssRefusal {
        String method = exchange.getRequestMethod();
        URI uri = exchange.getRequestURI();
        if (uri.getRawPath().equals(OssStandIn.KEY_PATH) && (method.equals("GET") || method.equals("HEAD"))) {
            return new StandInAnswer(200, "application/x-pem-file", publicKeyPem);
        }
        if (method.equals("OPTIONS")) {
            return preflight(exchange.getRequestHeaders().getFirst("Access-Control-Request-Headers"));
        }
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
        Map<String, String> query = parseQuery(uri.getRawQuery());
        String path = uri.getPath() == null ? "/" : uri.getPath();
        String bucket;
        String key;
        String hostBucket = hostBucket(headers.get("host"));
        if (hostBucket != null) {
            bucket = hostBucket;
            key = path.length() > 1 ? path.substring(1) : null;
        } else {
            String rest = path.startsWith("/") ? path.substring(1) : path;
            int slash = rest.indexOf('/');
            bucket = slash < 0 ? rest : rest.substring(0, slash);
            key = slash < 0 || slash == rest.length() - 1 ? null : rest.substring(slash + 1);
            if (bucket.isEmpty()) {
                throw new OssRefusal(400, "InvalidBucketName", "The stand-in serves no bucket listing; name a bucket.");
            }
        }
        if (!buckets.contains(bucket)) {
            throw new OssRefusal(404, "NoSuchBucket", "The specified bucket does not exist.");
        }
        byte[] body = readAll(exchange.getRequestBody());
        StandInCall call = new StandInCall(method, headers, query, bucket, key, hostBucket != null, body, requestId,
                exchange.getRemoteAddress().getAddress().getHostAddress());
        String contentType = headers.getOrDefault("content-type", "");
        boolean isPostObject = method.equals("POST") && key == null
                && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
        if (isPostObject) {
            // A form is signed by its policy, checked with it, not by an Authorization header.
            return postObject.post(call, contentType);
        }
        if (authentication != null) {
            String[] problem = authentication.check(method, headers, bucket, key, query, clock.instant());
            if (problem != null) {
                throw new OssRefusal(403, problem[0], problem[1]);
            }
        }
        if (key == null) {
            throw new OssRefusal(405, "MethodNotAllowed", "The stand-in supports object operations and PostObject only.");
        }
        return operation(call);
    }

    /** The object operation a request names by its method and query. */
    private StandInAnswer operation(StandInCall call) throws OssRefusal {
        switch (call.method) {
            case "PUT":
                if (call.query.containsKey("partNumber") || call.query.containsKey("uploadId")) {
                    return multipart.uploadPart(call);
                }
                return objects.put(call);
            case "POST":
                if (call.query.containsKey("uploads")) {
                    return multipart.initiate(call);
                }
                if (call.query.containsKey("uploadId")) {
                    return multipart.complete(call);
                }
                throw new OssRefusal(405, "MethodNotAllowed", "POST to an object needs ?uploads or ?uploadId.");
            case "GET":
            case "HEAD":
                return objects.get(call);
            default:
                throw new OssRefusal(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        }
    }

    /** A CORS preflight, answered as for a bucket whose rule allows every origin, method and header. */
    private static StandInAnswer preflight(String requestedHeaders) {
        StandInAnswer preflight = StandInAnswer.empty(200);
        preflight.headers.put("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE, HEAD");
        if (requestedHeaders != null) {
            preflight.headers.put("Access-Control-Allow-Headers", requestedHeaders);
        }
        preflight.headers.put("Access-Control-Max-Age", "600");
        return preflight;
    }

    /** The bucket named by a virtual-hosted {@code Host} header, or null for an IP or unknown name. */
    private String hostBucket(String host) {
        if (host == null) {
            return null;
        }
        String name = host.startsWith("[") ? "" : host.replaceFirst(":\\d+$", "");
        int dot = name.indexOf('.');
        if (dot <= 0 || name.matches("[0-9.]+")) {
            return null;
        }
        String first = name.substring(0, dot);
        return buckets.contains(first) ? first : null;
    }

    private static Map<String, String> parseQuery(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return query;
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }
}
