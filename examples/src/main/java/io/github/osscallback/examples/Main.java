package io.github.osscallback.examples;

import io.github.osscallback.CallbackVerifier;
import io.github.osscallback.KeyUrlPolicy;
import io.github.osscallback.ObjectConfirmation;
import io.github.osscallback.redis.RedisReplayStore;
import java.time.Clock;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code demo}: shows the whole product working on loopback. {@code serve}: a callback server
 * with both adapters, for real use and black-box tests. {@code sign}: a curl command for a signed
 * callback, to test a staging endpoint ({@link SignCommand}).
 */
public final class Main {

    static final String USAGE = String.join("\n",
            "usage: java -jar oss-callback-examples.jar demo",
            "       java -jar oss-callback-examples.jar serve [--port N] [--bind ADDR] [--allow-key-url-prefix URL]...",
            "                                                 [--key-fetch-timeout MILLIS]",
            "                                                 [--replay-window SECONDS [--replay-redis URI",
            "                                                 [--replay-redis-timeout MILLIS]]]",
            "                                                 [--upload-url URL [--upload-bucket NAME]",
            "                                                 [--upload-region ID] [--callback-base URL]]",
            "                                                 [--confirm-bucket NAME... --confirm-region ID",
            "                                                 [--confirm-endpoint public|internal|URL]",
            "                                                 [--confirm-timeout MILLIS]]",
            "       java -jar oss-callback-examples.jar sign --url URL --key PEM --key-url URL",
            "                                                 [--content-type form|json|TYPE] [--body TEXT]",
            "",
            "  --port N                    port to listen on (default 8080; 0 picks a free one)",
            "  --bind ADDR                 address to bind (default 127.0.0.1)",
            "  --allow-key-url-prefix URL  trust public keys under URL (repeatable); replaces the default,",
            "                              which trusts only OSS's key files (its v1 key pinned)",
            "  --key-fetch-timeout MILLIS  longest wait for a key host, connecting and in all (default 2000 to",
            "                              connect, 3000 in all; a callback waiting longer is answered 503)",
            "  --replay-window SECONDS     refuse a callback already accepted within SECONDS (409 replayed), on",
            "                              every endpoint; remembered in this process unless --replay-redis is given",
            "  --replay-redis URI          remember accepted callbacks in Redis (redis://host:6379), shared by",
            "                              every serve process using it; requires --replay-window",
            "  --replay-redis-timeout MILLIS  longest wait for Redis per callback before answering 503",
            "                              (default 300, under OSS's 5 s); requires --replay-redis",
            "  --upload-url URL            serve the direct-upload demo: a page on /upload/ that posts a file to",
            "                              this OSS endpoint with a policy from /upload/policy, signed with the",
            "                              credentials in OSS_ACCESS_KEY_ID, OSS_ACCESS_KEY_SECRET (and",
            "                              OSS_SESSION_TOKEN for STS); OSS calls back /upload/callback",
            "  --upload-bucket NAME        the bucket the demo's policies allow (default demo-bucket)",
            "  --upload-region ID          the bucket's region, part of the V4 signature (default cn-hangzhou)",
            "  --callback-base URL         this server's address as OSS reaches it (default http://ADDR:PORT)",
            "  --confirm-bucket NAME       confirm every callback with OSS (repeatable: the buckets it may name):",
            "                              a HeadObject signed with the credentials in OSS_ACCESS_KEY_ID,",
            "                              OSS_ACCESS_KEY_SECRET (and OSS_SESSION_TOKEN for STS) must find the",
            "                              object with the callback's size, ETag and type (403 object_not_confirmed;",
            "                              503 oss_unavailable when OSS does not answer in time)",
            "  --confirm-region ID         the buckets' region, e.g. cn-hangzhou; required with --confirm-bucket",
            "  --confirm-endpoint E        public (oss-REGION.aliyuncs.com, default), internal",
            "                              (oss-REGION-internal.aliyuncs.com) or an https:// endpoint",
            "  --confirm-timeout MILLIS    longest wait for OSS per callback (default 1500, under OSS's 5 s)",
            "  sign                        prints a curl command for a callback signed with the PEM private key,",
            "                              naming --key-url as its public key (serve that URL to the endpoint)");

    /** Keeps the example's output to one line per request; the access log names the reason. */
    private static final Logger LIBRARY_LOG = Logger.getLogger("io.github.osscallback");
    /** Jersey warns at start-up about optional providers (JAXB, activation) this example does not use. */
    private static final Logger JERSEY_LOG = Logger.getLogger("org.glassfish.jersey");

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        LIBRARY_LOG.setLevel(Level.WARNING);
        JERSEY_LOG.setLevel(Level.SEVERE);
        if (args.length == 0) {
            System.err.println(USAGE);
            System.exit(2);
        }
        switch (args[0]) {
            case "demo":
                System.exit(Demo.run(System.out) ? 0 : 1);
                break;
            case "serve":
                serve(args);
                break;
            case "sign":
                sign(args);
                break;
            default:
                System.err.println("unknown command '" + args[0] + "'\n" + USAGE);
                System.exit(2);
        }
    }

    private static void serve(String[] args) throws Exception {
        int port = 8080;
        String bind = "127.0.0.1";
        List<String> prefixes = new ArrayList<>();
        Long replayWindowSeconds = null;
        String replayRedis = null;
        Long replayRedisTimeoutMillis = null;
        String uploadUrl = null;
        String uploadBucket = null;
        String uploadRegion = null;
        String callbackBase = null;
        List<String> confirmBuckets = new ArrayList<>();
        String confirmRegion = null;
        String confirmEndpoint = null;
        Long confirmTimeoutMillis = null;
        Long keyFetchTimeoutMillis = null;
        try {
            for (int i = 1; i < args.length; i++) {
                String option = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(option + " needs a value");
                }
                String value = args[++i];
                switch (option) {
                    case "--port":
                        port = Integer.parseInt(value);
                        if (port < 0 || port > 65535) {
                            throw new IllegalArgumentException("--port must be 0 to 65535, got " + value);
                        }
                        break;
                    case "--bind":
                        bind = value;
                        break;
                    case "--allow-key-url-prefix":
                        prefixes.add(value);
                        break;
                    case "--replay-window":
                        replayWindowSeconds = Long.parseLong(value);
                        if (replayWindowSeconds < 1) {
                            throw new IllegalArgumentException("--replay-window must be at least 1 second, got " + value);
                        }
                        break;
                    case "--replay-redis":
                        replayRedis = value;
                        break;
                    case "--replay-redis-timeout":
                        replayRedisTimeoutMillis = Long.parseLong(value);
                        break;
                    case "--upload-url":
                        uploadUrl = value;
                        break;
                    case "--upload-bucket":
                        uploadBucket = value;
                        break;
                    case "--upload-region":
                        uploadRegion = value;
                        break;
                    case "--callback-base":
                        callbackBase = value;
                        break;
                    case "--confirm-bucket":
                        confirmBuckets.add(value);
                        break;
                    case "--confirm-region":
                        confirmRegion = value;
                        break;
                    case "--confirm-endpoint":
                        confirmEndpoint = value;
                        break;
                    case "--confirm-timeout":
                        confirmTimeoutMillis = Long.parseLong(value);
                        break;
                    case "--key-fetch-timeout":
                        keyFetchTimeoutMillis = Long.parseLong(value);
                        if (keyFetchTimeoutMillis < 1) {
                            throw new IllegalArgumentException("--key-fetch-timeout must be at least 1 ms, got " + value);
                        }
                        break;
                    default:
                        throw new IllegalArgumentException("unknown option '" + option + "'");
                }
            }
            CallbackVerifier.Builder verifier = CallbackVerifier.builder();
            KeyUrlPolicy keyUrlPolicy = null;
            if (!prefixes.isEmpty()) {
                KeyUrlPolicy.Builder policy = KeyUrlPolicy.builder();
                prefixes.forEach(policy::allowPrefix);
                keyUrlPolicy = policy.build();
                verifier.keyUrlPolicy(keyUrlPolicy);
            }
            Duration keyFetchTimeout = keyFetchTimeoutMillis == null ? null : Duration.ofMillis(keyFetchTimeoutMillis);
            if (keyFetchTimeout != null) {
                verifier.keyFetchConnectTimeout(keyFetchTimeout).keyFetchTimeout(keyFetchTimeout);
            }
            if (uploadUrl == null && (uploadBucket != null || uploadRegion != null || callbackBase != null)) {
                throw new IllegalArgumentException("--upload-bucket, --upload-region and --callback-base require"
                        + " --upload-url");
            }
            ObjectConfirmation confirmation = confirmation(confirmBuckets, confirmRegion, confirmEndpoint,
                    confirmTimeoutMillis);
            if (confirmation != null) {
                verifier.confirmWithOss(confirmation);
                System.out.println("confirming callbacks with OSS: " + confirmation);
            }
            DirectUpload upload = null;
            if (uploadUrl != null) {
                upload = new DirectUpload(uploadUrl, uploadBucket == null ? "demo-bucket" : uploadBucket,
                        uploadRegion == null ? "cn-hangzhou" : uploadRegion,
                        DirectUpload.credentialsFrom(System.getenv()), Clock.systemUTC());
            }
            if (replayRedis != null && replayWindowSeconds == null) {
                throw new IllegalArgumentException("--replay-redis requires --replay-window");
            }
            if (replayRedisTimeoutMillis != null && replayRedis == null) {
                throw new IllegalArgumentException("--replay-redis-timeout requires --replay-redis");
            }
            RedisReplayStore redisStore = null;
            Duration window = replayWindowSeconds == null ? null : Duration.ofSeconds(replayWindowSeconds);
            if (window != null) {
                if (replayRedis == null) {
                    verifier.replayProtection(window);
                    System.out.println("replay protection: " + replayWindowSeconds + " s, in this process");
                } else {
                    redisStore = connectRedis(replayRedis, replayRedisTimeoutMillis);
                    verifier.replayProtection(window, redisStore);
                    System.out.println("replay protection: " + replayWindowSeconds + " s, shared on Redis");
                }
            }
            CallbackVerifier uploadVerifier = null;
            if (upload != null) {
                // The upload endpoint is protected as the others are: the same window, the same store.
                // With Redis, used upload tokens are remembered there too, for every serve process.
                CallbackVerifier.Builder forUploads = CallbackVerifier.builder().uploadTokens(upload.tokens());
                if (keyUrlPolicy != null) {
                    forUploads.keyUrlPolicy(keyUrlPolicy);
                }
                if (keyFetchTimeout != null) {
                    forUploads.keyFetchConnectTimeout(keyFetchTimeout).keyFetchTimeout(keyFetchTimeout);
                }
                if (window != null && redisStore == null) {
                    forUploads.replayProtection(window);
                } else if (window != null) {
                    forUploads.replayProtection(window, redisStore);
                }
                if (confirmation != null) {
                    forUploads.confirmWithOss(confirmation);
                }
                uploadVerifier = forUploads.build();
            }
            startAndWait(bind, port, verifier.build(), redisStore, upload, uploadVerifier, callbackBase);
        } catch (NumberFormatException e) {
            fail("--port, --replay-window, --replay-redis-timeout, --confirm-timeout and --key-fetch-timeout need a"
                    + " whole number");
        } catch (IllegalArgumentException | IllegalStateException e) {
            fail(e.getMessage());
        }
    }

    /**
     * The check with OSS the {@code --confirm-*} flags describe, or null without {@code --confirm-bucket};
     * the credentials come from the environment, never from a flag (a command line is visible to every
     * user of the machine).
     */
    static ObjectConfirmation confirmation(List<String> buckets, String region, String endpoint, Long timeoutMillis) {
        if (buckets.isEmpty()) {
            if (region != null || endpoint != null || timeoutMillis != null) {
                throw new IllegalArgumentException("--confirm-region, --confirm-endpoint and --confirm-timeout require"
                        + " --confirm-bucket");
            }
            return null;
        }
        if (region == null) {
            throw new IllegalArgumentException("--confirm-bucket requires --confirm-region");
        }
        try {
            ObjectConfirmation.Builder confirm = ObjectConfirmation.builder()
                    .buckets(buckets.toArray(new String[0]))
                    .region(region);
            if ("internal".equals(endpoint)) {
                confirm.internalEndpoint(true);
            } else if (endpoint != null && !"public".equals(endpoint)) {
                confirm.endpoint(URI.create(endpoint));
            }
            if (timeoutMillis != null) {
                if (timeoutMillis < 1) {
                    throw new IllegalArgumentException("--confirm-timeout must be at least 1 ms, got " + timeoutMillis);
                }
                confirm.timeout(Duration.ofMillis(timeoutMillis));
            }
            return confirm.credentialsFromEnvironment().build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("--confirm-*: " + e.getMessage());
        }
    }

    private static void sign(String[] args) throws Exception {
        try {
            SignCommand.parse(List.of(args).subList(1, args.length)).print(System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage() + "\n" + SignCommand.USAGE);
            System.exit(2);
        }
    }

    /** Connects at start-up, so a wrong URI or an unreachable Redis is reported at once rather than as 503s. */
    private static RedisReplayStore connectRedis(String uri, Long timeoutMillis) {
        try {
            RedisReplayStore.Builder store = RedisReplayStore.builder().uri(uri);
            if (timeoutMillis != null) {
                store.commandTimeout(Duration.ofMillis(timeoutMillis));
            }
            return store.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--replay-redis: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new IllegalStateException("--replay-redis: cannot reach Redis: " + e.getMessage());
        }
    }

    private static void startAndWait(String bind, int port, CallbackVerifier verifier, AutoCloseable replayStore,
                                     DirectUpload upload, CallbackVerifier uploadVerifier, String callbackBase)
            throws Exception {
        ExampleServer server = ExampleServer.start(bind, port, verifier, System.out, callback -> { }, upload,
                uploadVerifier);
        if (upload != null) {
            upload.callbackBase(callbackBase != null ? callbackBase : "http://" + bind + ":" + server.port());
            System.out.println("direct upload: http://" + bind + ":" + server.port() + "/upload/ posts to "
                    + upload.uploadUrl());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (replayStore != null) {
                try {
                    replayStore.close();
                } catch (Exception e) {
                    System.err.println("could not close the Redis connection: " + e);
                }
            }
            System.out.println("stopped");
        }, "shutdown-notice"));
        System.out.println("listening on http://" + bind + ":" + server.port() + " (servlet: /servlet/*, jaxrs: /jaxrs/*; "
                + verifier.keyUrlPolicy() + ")");
        server.join();
    }

    private static void fail(String message) {
        System.err.println("error: " + message + "\n" + USAGE);
        System.exit(2);
    }
}
