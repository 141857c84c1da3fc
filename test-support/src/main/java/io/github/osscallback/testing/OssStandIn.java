package io.github.osscallback.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for OSS on 127.0.0.1, for testing a whole upload-and-callback flow with the official
 * SDKs: it takes PutObject, PostObject and multipart uploads (Initiate, UploadPart,
 * CompleteMultipartUpload), stores the objects in memory and answers GetObject and HeadObject (a
 * test can hold or fail those: {@link #holdObjectReads()}, {@link #failObjectReads(int)}), and for an upload with a callback does
 * what OSS does: renders the body from the template, signs it with its own key (served at
 * {@link #keyUrl()}), POSTs it to the callback URLs in order, and relays the result to the
 * uploader, 200 with the callback's JSON reply, or 203 with error code {@code CallbackFailed}
 * when no URL answered 200 with JSON and a Content-Length within the timeout (5 s by default).
 *
 * <p>Buckets are addressed path-style ({@code http://127.0.0.1:port/bucket/key}, what the Java
 * SDK does for an IP endpoint) or by the first label of the {@code Host} header
 * ({@code bucket.oss-cn-hangzhou.aliyuncs.com}, what ali-oss sends for an IP endpoint). Callbacks
 * go to loopback addresses only; any other URL fails as an unreachable one does. For tests only:
 * its key must never be trusted outside them.
 */
public final class OssStandIn implements AutoCloseable {

    /** How long OSS waits for a callback reply. */
    public static final Duration DEFAULT_CALLBACK_TIMEOUT = Duration.ofSeconds(5);

    /** Where the stand-in serves its public key; {@code _} cannot start a bucket name, so no bucket hides it. */
    static final String KEY_PATH = "/_standin/callback_pub_key_v1.pem";
    /** OSS refuses parts under 100 KiB, except the last (EntityTooSmall). */
    static final int MIN_PART_SIZE = 100 * 1024;

    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    static {
        // As for LoopbackKeyServer: without TCP_NODELAY, loopback replies wait for delayed ACKs.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> buckets;
    private final Clock clock;
    private final Duration callbackTimeout;
    private final OssCallbackSigner signer;
    /** The key URL callbacks name when set on the builder; null for the stand-in's own. */
    private final String namedKeyUrl;
    private final BucketCallbackPolicies policies;
    private final RequestAuthentication authentication;
    private final String accessKeyId;
    private final String accessKeySecret;
    private final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final List<CallbackAttempt> callbacks = new CopyOnWriteArrayList<>();
    private final List<String> requestLog = new CopyOnWriteArrayList<>();
    /** Set by a test to hold object reads; null when they are answered at once. */
    private volatile Hold hold;
    /** Set by a test to fail object reads with this status; 0 when they are answered. */
    private volatile int failReads;

    private OssStandIn(Builder builder, HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
        this.buckets = Set.copyOf(builder.buckets);
        this.clock = builder.clock;
        this.callbackTimeout = builder.callbackTimeout;
        this.signer = builder.signer;
        this.namedKeyUrl = builder.keyUrl;
        this.policies = new BucketCallbackPolicies(builder.policies);
        this.accessKeyId = builder.accessKeyId;
        this.accessKeySecret = builder.accessKeySecret;
        this.authentication = accessKeyId == null ? null
                : new RequestAuthentication(accessKeyId, accessKeySecret, builder.securityToken);
    }

    /** Starts a stand-in with these buckets, a fresh key, the system clock and OSS's 5 s timeout. */
    public static OssStandIn start(String... buckets) throws IOException {
        return builder().buckets(buckets).start();
    }

    /** A builder for a stand-in with other settings. */
    public static Builder builder() {
        return new Builder();
    }

    /** The endpoint to give the SDKs, {@code http://127.0.0.1:port}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The port the stand-in listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * The URL of the key the stand-in signs callbacks with, served by the stand-in itself and sent
     * (base64) in {@code x-oss-pub-key-url}: allow it in the verifier under test
     * ({@code KeyUrlPolicy.builder().allowPrefix(keyUrl())}), and pin it ({@code pinKey(keyUrl(), publicKeyPem())})
     * or let the verifier fetch it.
     */
    public String keyUrl() {
        return namedKeyUrl != null ? namedKeyUrl : endpoint() + KEY_PATH;
    }

    /** The public key in PEM, as served at {@link #keyUrl()}. */
    public String publicKeyPem() {
        return signer.publicKeyPem();
    }

    /** The object stored under a bucket and key, if any. */
    public Optional<StoredObject> object(String bucket, String key) {
        return Optional.ofNullable(objects.get(bucket + "/" + key));
    }

    /** Every object stored, by bucket and key. */
    public List<StoredObject> objects() {
        return List.copyOf(new TreeMap<>(objects).values());
    }

    /** Every callback request made so far, in order, one per URL tried. */
    public List<CallbackAttempt> callbacks() {
        return List.copyOf(callbacks);
    }

    /**
     * Stores an object as a PutObject without a callback would (its ETag the hex MD5 of the bytes),
     * for tests that need an object without uploading it through an SDK.
     */
    public StoredObject putObject(String bucket, String key, byte[] content, String contentType) {
        if (!buckets.contains(bucket)) {
            throw new IllegalArgumentException("the stand-in has no bucket " + bucket);
        }
        return store(bucket, Objects.requireNonNull(key, "key"), content, Objects.requireNonNull(contentType,
                "contentType"), md5Hex(content), Map.of(), "PutObject");
    }

    /**
     * Holds every HeadObject and GetObject (after its signature is checked) until the returned
     * hold is released or closed, for tests of a slow OSS: a client's timeout then decides the
     * outcome, and the test releases the hold only after the client gave up, so no race decides it.
     *
     * @throws IllegalStateException if a hold is already in place
     */
    public synchronized Hold holdObjectReads() {
        if (hold != null) {
            throw new IllegalStateException("object reads are already held");
        }
        Hold newHold = new Hold();
        hold = newHold;
        return newHold;
    }

    /**
     * Answers every HeadObject and GetObject (after its signature is checked) with this 5xx
     * status and OSS's error code for it, until called with 0.
     */
    public void failObjectReads(int status) {
        if (status != 0 && (status < 500 || status > 599)) {
            throw new IllegalArgumentException("a 5xx status or 0, got " + status);
        }
        failReads = status;
    }

    /** A hold on object reads from {@link #holdObjectReads()}; closing it releases them. */
    public final class Hold implements AutoCloseable {
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger arrived = new AtomicInteger();
        private final CountDownLatch first = new CountDownLatch(1);

        private Hold() {
        }

        void holdUntilReleased() {
            arrived.incrementAndGet();
            first.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the stand-in is closing
            }
        }

        /** Waits until at least one read is being held; false if none arrived within the timeout. */
        public boolean awaitHeld(Duration timeout) throws InterruptedException {
            return first.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** How many reads arrived at the hold so far. */
        public int held() {
            return arrived.get();
        }

        /** Lets the held reads and later ones through; reads are no longer held. */
        public void release() {
            synchronized (OssStandIn.this) {
                if (hold == this) {
                    hold = null;
                }
            }
            released.countDown();
        }

        @Override
        public void close() {
            release();
        }
    }

    /** Every request received, as {@code METHOD /raw/path?query}, in order (the key fetches included). */
    public List<String> requests() {
        return List.copyOf(requestLog);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "OssStandIn[" + endpoint() + ", buckets " + new TreeSet<>(buckets) + "]";
    }

    /** Builds an {@link OssStandIn}; each option may be set once. */
    public static final class Builder {
        private Set<String> buckets;
        private Clock clock = Clock.systemUTC();
        private Duration callbackTimeout = DEFAULT_CALLBACK_TIMEOUT;
        private OssCallbackSigner signer;
        private String keyUrl;
        private final Map<String, io.github.osscallback.upload.CallbackParameters> policies = BucketCallbackPolicies.collecting();
        private String accessKeyId;
        private String accessKeySecret;
        private String securityToken;
        private final Set<String> set = new HashSet<>();

        private Builder() {
        }

        /** The buckets that exist (at least one); requests for others get {@code NoSuchBucket}. */
        public Builder buckets(String... names) {
            once("buckets");
            Set<String> all = new LinkedHashSet<>();
            for (String name : names) {
                if (!name.matches("[a-z0-9][a-z0-9-]{1,61}[a-z0-9]")) {
                    throw new IllegalArgumentException("not an OSS bucket name (3-63 of a-z, 0-9, '-'): " + name);
                }
                all.add(name);
            }
            if (all.isEmpty()) {
                throw new IllegalArgumentException("name at least one bucket");
            }
            buckets = all;
            return this;
        }

        /** The clock for response dates and PostObject policy expiry; default the system clock. */
        public Builder clock(Clock clock) {
            once("clock");
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How long to wait for each callback reply; default {@link #DEFAULT_CALLBACK_TIMEOUT}, as OSS. */
        public Builder callbackTimeout(Duration timeout) {
            once("callbackTimeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("callbackTimeout must be positive, was " + timeout);
            }
            this.callbackTimeout = timeout;
            return this;
        }

        /** The key callbacks are signed with; default a fresh 512-bit key, the size OSS uses. */
        public Builder signer(OssCallbackSigner signer) {
            once("signer");
            this.signer = Objects.requireNonNull(signer, "signer");
            return this;
        }

        /**
         * The key URL callbacks name in {@code x-oss-pub-key-url}, for a key served elsewhere (a
         * {@link LoopbackKeyServer} on a port fixed in advance, say) that must then serve the
         * signer's public key; default the stand-in's own URL.
         */
        public Builder keyUrl(String url) {
            once("keyUrl");
            this.keyUrl = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * Stores a callback policy on the buckets under this name (OSS's PutBucketCallbackPolicy):
         * an upload sending {@code CallbackParameters.policyHeader(name)} gets these parameters.
         */
        public Builder callbackPolicy(String name, io.github.osscallback.upload.CallbackParameters parameters) {
            Objects.requireNonNull(parameters, "parameters");
            if (policies.putIfAbsent(Objects.requireNonNull(name, "name"), parameters) != null) {
                throw new IllegalStateException("callback policy " + name + " is already set");
            }
            return this;
        }

        /**
         * Requires requests to be signed with this AccessKey, with OSS's V1 or V4 header signature,
         * and PostObject forms with a V1 or V4 policy signature. Without it every request is
         * accepted, signed or not.
         */
        public Builder accessKey(String id, String secret) {
            once("accessKey");
            this.accessKeyId = Objects.requireNonNull(id, "id");
            this.accessKeySecret = Objects.requireNonNull(secret, "secret");
            return this;
        }

        /**
         * Requires, with {@link #accessKey}, that requests also carry this STS security token in
         * {@code x-oss-security-token} (covered by their signature), as OSS does for temporary
         * credentials: a request without it, or with another, is refused (403 InvalidSecurityToken).
         */
        public Builder securityToken(String token) {
            once("securityToken");
            this.securityToken = Objects.requireNonNull(token, "token");
            return this;
        }

        /** Starts the stand-in on a free loopback port. */
        public OssStandIn start() throws IOException {
            if (buckets == null) {
                throw new IllegalStateException("name at least one bucket");
            }
            if (securityToken != null && accessKeyId == null) {
                throw new IllegalStateException("securityToken needs accessKey");
            }
            if (signer == null) {
                signer = OssCallbackSigner.generate();
            }
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "oss-stand-in");
                t.setDaemon(true);
                return t;
            });
            OssStandIn standIn = new OssStandIn(this, server, executor);
            server.createContext("/", standIn::handle);
            server.setExecutor(executor);
            server.start();
            return standIn;
        }

        private void once(String option) {
            if (!set.add(option)) {
                throw new IllegalStateException(option + " is already set");
            }
        }
    }

    // ---- request handling ----

    /** An answer to send: status, headers, body. */
    private static final class Answer {
        final int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        final byte[] body;

        Answer(int status, String contentType, byte[] body) {
            this.status = status;
            this.body = body;
            if (contentType != null) {
                headers.put("Content-Type", contentType);
            }
        }
    }

    /** What the handler knows of one request. */
    private static final class Call {
        final String method;
        final Map<String, String> headers;
        final Map<String, String> query;
        final String bucket;
        final String key;
        final byte[] body;
        final String requestId;
        final String clientIp;
        final String host;
        /** The object's URL as OSS gives it in a Location: virtual-hosted when the request was. */
        final String location;

        Call(String method, Map<String, String> headers, Map<String, String> query, String bucket, String key,
             boolean virtualHosted, byte[] body, String requestId, String clientIp) {
            this.method = method;
            this.headers = headers;
            this.query = query;
            this.bucket = bucket;
            this.key = key;
            this.body = body;
            this.requestId = requestId;
            this.clientIp = clientIp;
            this.host = headers.getOrDefault("host", "127.0.0.1");
            this.location = "http://" + host + "/" + (virtualHosted ? "" : bucket + "/") + (key == null ? "" : key);
        }

        String location(String objectKey) {
            return location + objectKey;
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String requestId = requestId();
        Answer answer;
        try {
            URI uri = exchange.getRequestURI();
            requestLog.add(exchange.getRequestMethod() + " " + uri.getRawPath()
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            answer = answer(exchange, requestId);
        } catch (OssRefusal refusal) {
            answer = error(refusal.status, refusal.code, refusal.getMessage(), requestId,
                    exchange.getRequestHeaders().getFirst("Host"));
        } catch (RuntimeException e) {
            answer = error(500, "InternalError", "The stand-in failed: " + e, requestId,
                    exchange.getRequestHeaders().getFirst("Host"));
        }
        try {
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            if (origin != null) {
                // As a bucket whose CORS rule allows every origin: browsers may read every answer.
                answer.headers.put("Access-Control-Allow-Origin", origin);
                answer.headers.put("Access-Control-Expose-Headers", "ETag, x-oss-request-id, x-oss-hash-crc64ecma");
                answer.headers.put("Vary", "Origin");
            }
            answer.headers.put("x-oss-request-id", requestId);
            answer.headers.put("Date", HTTP_DATE.format(clock.instant()));
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
        } finally {
            exchange.close();
        }
    }

    private Answer answer(HttpExchange exchange, String requestId) throws IOException, OssRefusal {
        String method = exchange.getRequestMethod();
        URI uri = exchange.getRequestURI();
        if (uri.getRawPath().equals(KEY_PATH) && (method.equals("GET") || method.equals("HEAD"))) {
            return new Answer(200, "application/x-pem-file", publicKeyPem().getBytes(StandardCharsets.US_ASCII));
        }
        if (method.equals("OPTIONS")) {
            // A CORS preflight, answered as for a bucket whose rule allows every origin, method and header.
            Answer preflight = new Answer(200, null, new byte[0]);
            preflight.headers.put("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE, HEAD");
            String requested = exchange.getRequestHeaders().getFirst("Access-Control-Request-Headers");
            if (requested != null) {
                preflight.headers.put("Access-Control-Allow-Headers", requested);
            }
            preflight.headers.put("Access-Control-Max-Age", "600");
            return preflight;
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
        Call call = new Call(method, headers, query, bucket, key, hostBucket != null, body, requestId,
                exchange.getRemoteAddress().getAddress().getHostAddress());
        String contentType = headers.getOrDefault("content-type", "");
        boolean postObject = method.equals("POST") && key == null
                && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
        if (authentication != null && !postObject) {
            String[] problem = authentication.check(method, headers, bucket, key, query, clock.instant());
            if (problem != null) {
                throw new OssRefusal(403, problem[0], problem[1]);
            }
        }
        if (postObject) {
            return postObject(call, contentType);
        }
        if (key == null) {
            throw new OssRefusal(405, "MethodNotAllowed", "The stand-in supports object operations and PostObject only.");
        }
        switch (method) {
            case "PUT":
                if (query.containsKey("partNumber") || query.containsKey("uploadId")) {
                    return uploadPart(call);
                }
                return putObject(call);
            case "POST":
                if (query.containsKey("uploads")) {
                    return initiateMultipartUpload(call);
                }
                if (query.containsKey("uploadId")) {
                    return completeMultipartUpload(call);
                }
                throw new OssRefusal(405, "MethodNotAllowed", "POST to an object needs ?uploads or ?uploadId.");
            case "GET":
            case "HEAD":
                return getObject(call);
            default:
                throw new OssRefusal(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        }
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

    // ---- PutObject, GetObject ----

    private Answer putObject(Call call) throws OssRefusal {
        CallbackSpec callback = callbackOf(call);
        checkContentMd5(call.headers.get("content-md5"), call.body);
        StoredObject object = store(call.bucket, call.key, call.body,
                call.headers.getOrDefault("content-type", "application/octet-stream"), md5Hex(call.body),
                metadata(call.headers), "PutObject");
        Map<String, String> headers = objectHeaders(object);
        headers.put("Content-MD5", base64Md5(call.body));
        return reply(call, object, callback, base64Md5(call.body), headers, new Answer(200, null, new byte[0]));
    }

    /**
     * GetObject and HeadObject (the same answer; a HEAD is sent without its body): the object's
     * bytes, Content-Type, Content-Length, quoted ETag, Last-Modified and metadata, or 404 NoSuchKey.
     * A test's {@link #holdObjectReads()} or {@link #failObjectReads(int)} comes first.
     */
    private Answer getObject(Call call) throws OssRefusal {
        Hold hold = this.hold;
        if (hold != null) {
            hold.holdUntilReleased();
        }
        int failure = failReads;
        if (failure != 0) {
            throw new OssRefusal(failure, failure == 503 ? "ServiceUnavailable" : "InternalError",
                    "The stand-in was told to fail object reads.");
        }
        StoredObject object = objects.get(call.bucket + "/" + call.key);
        if (object == null) {
            throw new OssRefusal(404, "NoSuchKey", "The specified key does not exist.");
        }
        Answer answer = new Answer(200, object.contentType(), object.content());
        answer.headers.putAll(objectHeaders(object));
        answer.headers.put("Last-Modified", HTTP_DATE.format(object.lastModified()));
        object.metadata().forEach((name, value) -> answer.headers.put("x-oss-meta-" + name, value));
        return answer;
    }

    // ---- multipart ----

    /** A multipart upload in progress. */
    private static final class Upload {
        final String bucket;
        final String key;
        final String contentType;
        final Map<String, String> metadata;
        final Map<Integer, byte[]> parts = new ConcurrentSkipListMap<>();

        Upload(String bucket, String key, String contentType, Map<String, String> metadata) {
            this.bucket = bucket;
            this.key = key;
            this.contentType = contentType;
            this.metadata = metadata;
        }
    }

    private Answer initiateMultipartUpload(Call call) {
        String uploadId = hex(randomBytes(16));
        uploads.put(uploadId, new Upload(call.bucket, call.key,
                call.headers.getOrDefault("content-type", "application/octet-stream"), metadata(call.headers)));
        String xml = "<InitiateMultipartUploadResult>"
                + element("Bucket", call.bucket) + element("Key", call.key) + element("UploadId", uploadId)
                + "</InitiateMultipartUploadResult>";
        return xml(200, xml);
    }

    private Answer uploadPart(Call call) throws OssRefusal {
        Upload upload = upload(call);
        int partNumber;
        try {
            partNumber = Integer.parseInt(call.query.getOrDefault("partNumber", ""));
        } catch (NumberFormatException e) {
            partNumber = 0;
        }
        if (partNumber < 1 || partNumber > 10000) {
            throw new OssRefusal(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.");
        }
        checkContentMd5(call.headers.get("content-md5"), call.body);
        upload.parts.put(partNumber, call.body.clone());
        Answer answer = new Answer(200, null, new byte[0]);
        answer.headers.put("ETag", quote(md5Hex(call.body)));
        answer.headers.put("Content-MD5", base64Md5(call.body));
        answer.headers.put("x-oss-hash-crc64ecma", Crc64.decimal(call.body));
        return answer;
    }

    private Answer completeMultipartUpload(Call call) throws OssRefusal {
        Upload upload = upload(call);
        CallbackSpec callback = callbackOf(call);
        List<Integer> order;
        if (call.body.length == 0 && "yes".equalsIgnoreCase(call.headers.get("x-oss-complete-all"))) {
            order = new ArrayList<>(upload.parts.keySet());
        } else {
            order = new ArrayList<>();
            int previous = 0;
            for (String[] part : StandInXml.completeParts(call.body)) {
                int number;
                try {
                    number = Integer.parseInt(part[0].trim());
                } catch (NumberFormatException e) {
                    throw new OssRefusal(400, "MalformedXML", "The XML you provided was not well-formed.");
                }
                if (number <= previous) {
                    throw new OssRefusal(400, "InvalidPartOrder", "The list of parts was not in ascending order.");
                }
                byte[] data = upload.parts.get(number);
                if (data == null || !unquote(part[1]).equalsIgnoreCase(md5Hex(data))) {
                    throw new OssRefusal(400, "InvalidPart", "One or more of the specified parts could not be found "
                            + "or the specified entity tag might not have matched the part's entity tag.");
                }
                order.add(number);
                previous = number;
            }
        }
        if (order.isEmpty()) {
            throw new OssRefusal(400, "MalformedXML", "The XML you provided was not well-formed.");
        }
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        ByteArrayOutputStream partDigests = new ByteArrayOutputStream();
        for (int i = 0; i < order.size(); i++) {
            byte[] data = upload.parts.get(order.get(i));
            if (i < order.size() - 1 && data.length < MIN_PART_SIZE) {
                throw new OssRefusal(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.");
            }
            content.writeBytes(data);
            partDigests.writeBytes(md5(data));
        }
        String etag = md5Hex(partDigests.toByteArray()) + "-" + order.size();
        uploads.remove(call.query.get("uploadId"));
        StoredObject object = store(call.bucket, call.key, content.toByteArray(), upload.contentType, etag,
                upload.metadata, "CompleteMultipartUpload");
        String xml = "<CompleteMultipartUploadResult>" + element("Location", call.location)
                + element("Bucket", call.bucket) + element("Key", call.key) + element("ETag", quote(etag))
                + "</CompleteMultipartUploadResult>";
        return reply(call, object, callback, "", objectHeaders(object), xml(200, xml));
    }

    private Upload upload(Call call) throws OssRefusal {
        Upload upload = uploads.get(call.query.getOrDefault("uploadId", ""));
        if (upload == null || !upload.bucket.equals(call.bucket) || !upload.key.equals(call.key)) {
            throw new OssRefusal(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, "
                    + "or the upload may have been aborted or completed.");
        }
        return upload;
    }

    // ---- PostObject ----

    private Answer postObject(Call call, String contentType) throws OssRefusal {
        PostObjectForm form = PostObjectForm.parse(contentType, call.body);
        PostPolicyCheck.check(form, call.bucket, accessKeyId, accessKeySecret, clock);
        String key = form.field("key");
        if (key == null || key.isEmpty()) {
            throw new OssRefusal(400, "InvalidArgument", "The key field of a PostObject must name the object.");
        }
        // OSS replaces ${filename} in the key with the uploaded file's name.
        key = key.replace("${filename}", form.fileName == null ? "" : form.fileName);
        Map<String, String> variables = new LinkedHashMap<>();
        Map<String, String> metadata = new TreeMap<>();
        form.fields.forEach((name, value) -> {
            if (name.regionMatches(true, 0, "x:", 0, 2)) {
                // By the same case-insensitive reading as the policy check, so a second spelling
                // (X:ROLE beside x:role) cannot pass the check with one value and fill in another.
                String variable = name.toLowerCase(Locale.ROOT);
                variables.putIfAbsent(variable, form.field(variable));
            } else if (name.toLowerCase(Locale.ROOT).startsWith("x-oss-meta-")) {
                metadata.put(name.substring("x-oss-meta-".length()).toLowerCase(Locale.ROOT), value);
            }
        });
        CallbackSpec callback = callbackOf(form.field("callback"), form.field("callback-var"), variables);
        String objectType = form.field("Content-Type");
        if (objectType == null) {
            objectType = form.fileContentType == null ? "application/octet-stream" : form.fileContentType;
        }
        StoredObject object = store(call.bucket, key, form.file, objectType, md5Hex(form.file), metadata, "PostObject");
        String status = form.field("success_action_status");
        Answer withoutCallback;
        if ("200".equals(status)) {
            withoutCallback = new Answer(200, null, new byte[0]);
        } else if ("201".equals(status)) {
            withoutCallback = xml(201, "<PostResponse>" + element("Bucket", call.bucket) + element("Location", call.location(key))
                    + element("Key", key) + element("ETag", quote(object.etag())) + "</PostResponse>");
        } else {
            withoutCallback = new Answer(204, null, new byte[0]);
        }
        Map<String, String> headers = objectHeaders(object);
        headers.put("Content-MD5", base64Md5(form.file));
        return reply(call, object, callback, base64Md5(form.file), headers, withoutCallback);
    }

    // ---- callbacks ----

    /** The callback of a request: in headers, or in the query (a presigned URL carries it there). */
    private CallbackSpec callbackOf(Call call) throws OssRefusal {
        if (call.headers.containsKey("x-oss-callback")) {
            return callbackOf(call.headers.get("x-oss-callback"), call.headers.get("x-oss-callback-var"), Map.of());
        }
        return callbackOf(call.query.get("callback"), call.query.get("callback-var"), Map.of());
    }

    private CallbackSpec callbackOf(String callback, String callbackVar, Map<String, String> formVariables)
            throws OssRefusal {
        if (callback == null) {
            return null;
        }
        String[] used = policies.resolve(callback, callbackVar);
        try {
            return CallbackSpec.parse(used[0], used[1], formVariables);
        } catch (CallbackSpec.Invalid e) {
            throw new OssRefusal(400, "InvalidArgument", e.getMessage());
        }
    }

    /**
     * The answer to an upload: without a callback the operation's own; with one, OSS's relay of
     * the callback: 200 and the reply of the first URL that succeeded, or 203 CallbackFailed.
     */
    private Answer reply(Call call, StoredObject object, CallbackSpec callback, String contentMd5,
                         Map<String, String> objectHeaders, Answer withoutCallback) {
        if (callback == null) {
            withoutCallback.headers.putAll(objectHeaders);
            return withoutCallback;
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("bucket", object.bucket());
        values.put("object", object.key());
        values.put("etag", object.etag());
        values.put("size", Long.toString(object.size()));
        values.put("mimeType", object.contentType());
        values.putAll(ImageInfo.of(object.content()));
        values.put("crc64", object.crc64());
        values.put("contentMd5", contentMd5);
        values.put("vpcId", "");
        values.put("clientIp", call.clientIp);
        values.put("reqId", call.requestId);
        values.put("operation", object.operation());
        byte[] body = callback.render(values);
        String failure = null;
        for (String url : callback.urls) {
            CallbackAttempt attempt = deliver(object, callback, url, body);
            callbacks.add(attempt);
            if (attempt.succeeded()) {
                Answer answer = new Answer(200, "application/json", attempt.reply());
                answer.headers.putAll(objectHeaders);
                return answer;
            }
            failure = attempt.failure().orElseThrow();
        }
        String xml = "<Error>" + element("Code", "CallbackFailed") + element("Message", failure)
                + element("RequestId", call.requestId) + element("HostId", call.host) + "</Error>";
        Answer answer = xml(203, xml);
        answer.headers.putAll(objectHeaders);
        return answer;
    }

    private CallbackAttempt deliver(StoredObject object, CallbackSpec callback, String url, byte[] body) {
        URI target;
        try {
            target = URI.create(url.contains("://") ? url : "http://" + url);
        } catch (IllegalArgumentException e) {
            return new CallbackAttempt(object.operation(), object.bucket(), object.key(), url, Map.of(), body, -1,
                    new byte[0], CallbackSender.CANNOT_CONNECT);
        }
        String rawPath = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
        String authority = target.getRawAuthority() == null ? "" : target.getRawAuthority();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("host", callback.host != null ? callback.host : authority);
        headers.put("content-type", callback.bodyType);
        headers.put("content-length", Integer.toString(body.length));
        headers.put("authorization", signer.sign(rawPath, target.getRawQuery(), body));
        headers.put("x-oss-pub-key-url", OssCallbackSigner.encodeKeyUrl(keyUrl()));
        CallbackSender.Outcome outcome = CallbackSender.post(target, headers, body, callbackTimeout);
        return new CallbackAttempt(object.operation(), object.bucket(), object.key(), url, headers, body,
                outcome.status, outcome.reply, outcome.failure);
    }

    // ---- storage and helpers ----

    private StoredObject store(String bucket, String key, byte[] content, String contentType, String etag,
                               Map<String, String> metadata, String operation) {
        StoredObject object = new StoredObject(bucket, key, content, contentType, etag, Crc64.decimal(content),
                metadata, operation, clock.instant());
        objects.put(bucket + "/" + key, object);
        return object;
    }

    private static Map<String, String> objectHeaders(StoredObject object) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ETag", quote(object.etag()));
        headers.put("x-oss-hash-crc64ecma", object.crc64());
        return headers;
    }

    private static Map<String, String> metadata(Map<String, String> headers) {
        Map<String, String> metadata = new TreeMap<>();
        headers.forEach((name, value) -> {
            if (name.startsWith("x-oss-meta-")) {
                metadata.put(name.substring("x-oss-meta-".length()), value);
            }
        });
        return metadata;
    }

    private static void checkContentMd5(String declared, byte[] body) throws OssRefusal {
        if (declared == null) {
            return;
        }
        byte[] digest;
        try {
            digest = Base64.getDecoder().decode(declared.trim());
        } catch (IllegalArgumentException e) {
            throw new OssRefusal(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
        }
        if (!MessageDigest.isEqual(digest, md5(body))) {
            throw new OssRefusal(400, "InvalidDigest", "The Content-MD5 you specified did not match what was received.");
        }
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

    private static Answer xml(int status, String xml) {
        return new Answer(status, "application/xml",
                ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + xml).getBytes(StandardCharsets.UTF_8));
    }

    private static Answer error(int status, String code, String message, String requestId, String host) {
        return xml(status, "<Error>" + element("Code", code) + element("Message", message)
                + element("RequestId", requestId) + element("HostId", host == null ? "127.0.0.1" : host) + "</Error>");
    }

    static String element(String name, String text) {
        return "<" + name + ">" + StandInXml.escape(text) + "</" + name + ">";
    }

    private static String requestId() {
        return hex(randomBytes(12));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    static byte[] md5(byte[] data) {
        try {
            return MessageDigest.getInstance("MD5").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    }

    private static String md5Hex(byte[] data) {
        return hex(md5(data));
    }

    private static String base64Md5(byte[] data) {
        return Base64.getEncoder().encodeToString(md5(data));
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            s.append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
        }
        return s.toString();
    }

    private static String quote(String etag) {
        return "\"" + etag + "\"";
    }

    private static String unquote(String etag) {
        String trimmed = etag.trim();
        if (trimmed.startsWith("&quot;")) {
            trimmed = trimmed.replace("&quot;", "");
        }
        return trimmed.replace("\"", "");
    }
}
