package io.github.osscallback.redis;

import io.github.osscallback.ReplayStore;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisStringAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link ReplayStore} on Redis, shared by every node of a cluster: each callback is one atomic
 * {@code SET <prefix><sha256(key)> 1 NX PX <window>}, which answers OK exactly when no node has
 * recorded the callback within the window. Every command is bounded by the command timeout; a
 * Redis that is down, slow or refusing makes {@link #firstSeen} throw, so the verifier answers
 * 503 {@code replay_store_unavailable} in time, and the store recovers on its own when Redis returns.
 *
 * <pre>{@code
 * RedisReplayStore store = RedisReplayStore.builder().uri("redis://redis.internal:6379").build();
 * CallbackVerifier verifier = CallbackVerifier.builder()
 *         .replayProtection(Duration.ofMinutes(10), store)
 *         .build();
 * }</pre>
 *
 * <p>Thread-safe: one connection serves every request (Lettuce multiplexes it), no pool.
 */
public final class RedisReplayStore implements ReplayStore, AutoCloseable {

    /** The key prefix unless {@link Builder#keyPrefix(String)} says otherwise. */
    public static final String DEFAULT_KEY_PREFIX = "oss-callback:replay:";
    /** Well under the 5 seconds OSS gives a callback in all, which also covers key fetching and the application. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(300);

    private final RedisStringAsyncCommands<String, String> commands;
    private final String keyPrefix;
    private final Duration commandTimeout;
    /** What this store created and must release; null when the application supplied the connection. */
    private final AutoCloseable owned;
    private final String description;

    private RedisReplayStore(RedisStringAsyncCommands<String, String> commands, String keyPrefix,
                             Duration commandTimeout, AutoCloseable owned, String description) {
        this.commands = commands;
        this.keyPrefix = keyPrefix;
        this.commandTimeout = commandTimeout;
        this.owned = owned;
        this.description = description;
    }

    /** Starts a builder; give it exactly one of a URI, a cluster URI or a connection. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records the key for the window unless some node already did, waiting at most the command
     * timeout (the calling thread waits; {@link #firstSeenAsync} does not).
     *
     * @throws IllegalStateException if Redis does not confirm within the command timeout, refuses
     *                               the command or is not connected
     */
    @Override
    public boolean firstSeen(String key, Duration window) {
        CompletableFuture<Boolean> answer = firstSeenAsync(key, window);
        try {
            return answer.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IllegalStateException ? (IllegalStateException) cause
                    : new IllegalStateException("Redis refused SET NX: " + cause.getClass().getSimpleName(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.cancel(true);
            throw new IllegalStateException("interrupted while waiting for Redis", e);
        }
    }

    /**
     * As {@link #firstSeen}, on Lettuce's asynchronous API: no thread waits for Redis. The stage
     * fails with the same {@link IllegalStateException}s, the command timeout kept by the JDK's
     * delayer rather than a waiting thread.
     */
    @Override
    public CompletableFuture<Boolean> firstSeenAsync(String key, Duration window) {
        Objects.requireNonNull(key, "key");
        long millis = ceilMillis(Objects.requireNonNull(window, "window"));
        RedisFuture<String> reply;
        try {
            reply = commands.set(keyPrefix + sha256Hex(key), "1", SetArgs.Builder.nx().px(millis));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("Redis refused SET NX: "
                    + e.getClass().getSimpleName(), e));
        }
        return bounded(reply).handle((answer, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                if (cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException) {
                    // Lettuce's own timeout on a connection we created, set to the same value, may fire first.
                    throw unanswered(cause);
                }
                throw new IllegalStateException("Redis refused SET NX: " + cause.getClass().getSimpleName(), cause);
            }
            if (answer == null) {
                return false;
            }
            if ("OK".equals(answer)) {
                return true;
            }
            throw new IllegalStateException("Redis answered SET NX with '" + answer + "', expected OK or nil");
        });
    }

    /**
     * The reply, failed with a {@link TimeoutException} after the command timeout; the command is
     * then cancelled, so nothing waits for a Redis that may never answer.
     */
    private CompletableFuture<String> bounded(RedisFuture<String> reply) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        reply.whenComplete((value, error) -> {
            if (error == null) {
                answer.complete(value);
            } else {
                answer.completeExceptionally(error);
            }
        });
        answer.orTimeout(commandTimeout.toNanos(), TimeUnit.NANOSECONDS)
                .whenComplete((value, error) -> {
                    if (error instanceof TimeoutException) {
                        reply.cancel(true);
                    }
                });
        return answer;
    }

    /**
     * Deletes the key ({@code GETDEL}, Redis 6.2 or later), waiting at most the command timeout; on an
     * older Redis, or any failure, the key only stays until its window ends.
     */
    @Override
    public void forget(String key) {
        forgetAsync(key).join();
    }

    /** As {@link #forget}, without a thread waiting for Redis; always completes normally. */
    @Override
    public CompletableFuture<Void> forgetAsync(String key) {
        Objects.requireNonNull(key, "key");
        RedisFuture<String> reply;
        try {
            reply = commands.getdel(keyPrefix + sha256Hex(key));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
        return bounded(reply).handle((value, error) -> null);
    }

    private IllegalStateException unanswered(Throwable cause) {
        return new IllegalStateException("Redis did not answer SET NX within " + commandTimeout.toMillis() + " ms", cause);
    }

    /** Closes the connection and client this store created; a connection the application supplied stays open. */
    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release the Redis client", e);
            }
        }
    }

    @Override
    public String toString() {
        return "RedisReplayStore[" + description + ", keyPrefix=" + keyPrefix + ", commandTimeout="
                + commandTimeout.toMillis() + "ms]";
    }

    /** PX takes whole milliseconds; rounding up never shortens the window. */
    static long ceilMillis(Duration window) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("replay window must be positive, got " + window);
        }
        long millis = window.toMillis();
        return Duration.ofMillis(millis).compareTo(window) < 0 ? millis + 1 : millis;
    }

    /** Bounds the key's length whatever the caller passes (a signature's base64 runs to hundreds of characters). */
    static String sha256Hex(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(digest.length * 2);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Builds a {@link RedisReplayStore}. Options can be set once each; {@link #build()} connects
     * when given a URI, and fails at once if Redis cannot be reached then.
     */
    public static final class Builder {
        private String uri;
        private String clusterUri;
        private StatefulRedisConnection<String, String> connection;
        private StatefulRedisClusterConnection<String, String> clusterConnection;
        private String keyPrefix;
        private Duration commandTimeout;

        private Builder() {
        }

        /**
         * Connects to a standalone Redis or through Sentinel, with a URI as Lettuce reads it:
         * {@code redis://[password@]host[:port][/database]}, {@code rediss://...} for TLS,
         * {@code redis-sentinel://host:26379,host2:26379/0#mymaster}.
         */
        public Builder uri(String uri) {
            requireUnset(this.uri, "uri");
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * Connects to a Redis Cluster through one or more seed nodes, e.g.
         * {@code redis://node1:6379,node2:6379}; keys are routed to the node owning their slot.
         */
        public Builder clusterUri(String uri) {
            requireUnset(this.clusterUri, "clusterUri");
            this.clusterUri = Objects.requireNonNull(uri, "clusterUri");
            return this;
        }

        /**
         * Uses the application's own connection, which this store never closes. Its client should
         * reject commands while disconnected ({@code ClientOptions.DisconnectedBehavior.REJECT_COMMANDS});
         * the command timeout still bounds every call either way.
         */
        public Builder connection(StatefulRedisConnection<String, String> connection) {
            requireUnset(this.connection, "connection");
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** As {@link #connection}, for the application's own Redis Cluster connection. */
        public Builder clusterConnection(StatefulRedisClusterConnection<String, String> connection) {
            requireUnset(this.clusterConnection, "clusterConnection");
            this.clusterConnection = Objects.requireNonNull(connection, "clusterConnection");
            return this;
        }

        /**
         * Prefix of every key this store writes (default {@value RedisReplayStore#DEFAULT_KEY_PREFIX});
         * lets applications share a Redis.
         */
        public Builder keyPrefix(String prefix) {
            requireUnset(this.keyPrefix, "keyPrefix");
            this.keyPrefix = Objects.requireNonNull(prefix, "keyPrefix");
            return this;
        }

        /**
         * How long a callback waits for Redis before it is refused with 503 (default 300 ms). Keep it
         * well under OSS's 5 seconds, which also cover key fetching and the application's own work.
         */
        public Builder commandTimeout(Duration timeout) {
            requireUnset(this.commandTimeout, "commandTimeout");
            Objects.requireNonNull(timeout, "commandTimeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofSeconds(5)) >= 0) {
                throw new IllegalArgumentException("commandTimeout must be positive and under OSS's 5 s, got " + timeout);
            }
            this.commandTimeout = timeout;
            return this;
        }

        /**
         * Builds the store, connecting first when given a URI.
         *
         * @throws IllegalStateException if not exactly one of uri, clusterUri, connection and
         *                               clusterConnection was given
         * @throws IllegalArgumentException if the URI given is malformed (the message leaves the URI out)
         * @throws io.lettuce.core.RedisException if Redis cannot be reached at the URI given
         */
        public RedisReplayStore build() {
            int sources = (uri == null ? 0 : 1) + (clusterUri == null ? 0 : 1) + (connection == null ? 0 : 1)
                    + (clusterConnection == null ? 0 : 1);
            if (sources != 1) {
                throw new IllegalStateException("give exactly one of uri, clusterUri, connection and clusterConnection; got "
                        + sources);
            }
            String prefix = keyPrefix == null ? DEFAULT_KEY_PREFIX : keyPrefix;
            Duration timeout = commandTimeout == null ? DEFAULT_COMMAND_TIMEOUT : commandTimeout;
            if (connection != null) {
                return new RedisReplayStore(connection.async(), prefix, timeout, null, "application connection");
            }
            if (clusterConnection != null) {
                return new RedisReplayStore(clusterConnection.async(), prefix, timeout, null,
                        "application cluster connection");
            }
            ClientResources resources = ClientResources.builder()
                    // Reconnect soon after Redis returns: Lettuce's default backs off to 30 s between attempts.
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
                    .build();
            SocketOptions socket = SocketOptions.builder().connectTimeout(Duration.ofSeconds(2)).build();
            TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
            if (uri != null) {
                RedisClient client = parsing(uri, resources, () -> RedisClient.create(resources, uri));
                client.setOptions(ClientOptions.builder()
                        .autoReconnect(true)
                        // Fail at once while disconnected instead of queueing callbacks for a Redis that is gone.
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .socketOptions(socket)
                        .timeoutOptions(timeouts)
                        .build());
                return connect(client, resources, prefix, timeout, () -> client.connect().async(), "uri");
            }
            RedisClusterClient client = parsing(clusterUri, resources, () -> RedisClusterClient.create(resources, clusterUri));
            // Lettuce 7 follows failovers and resharding by itself: every adaptive topology refresh is on by default.
            client.setOptions(ClusterClientOptions.builder()
                    // Not REJECT_COMMANDS: Lettuce connects to each node on its first command and would
                    // reject that command while the connection is pending, losing a genuine callback. A
                    // command waiting for a node is bounded by the timeouts instead.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.ACCEPT_COMMANDS)
                    .autoReconnect(true)
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .build());
            return connect(client, resources, prefix, timeout, () -> client.connect().async(), "cluster");
        }

        /** Lettuce's message for a malformed URI quotes it, password included: report it without the URI. */
        private static <T> T parsing(String uri, ClientResources resources, java.util.function.Supplier<T> create) {
            try {
                return create.get();
            } catch (IllegalArgumentException e) {
                resources.shutdown(0, 2, TimeUnit.SECONDS);
                String reason = String.valueOf(e.getMessage()).replace(uri, "<uri>");
                throw new IllegalArgumentException("not a Redis URI: " + reason);
            }
        }

        private interface Connector {
            RedisStringAsyncCommands<String, String> connect();
        }

        private static RedisReplayStore connect(AbstractRedisClient client, ClientResources resources,
                                                String prefix, Duration timeout, Connector connector, String kind) {
            AutoCloseable release = () -> {
                // Closing the client closes its connections; the resources are ours as well.
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                resources.shutdown(0, 2, TimeUnit.SECONDS).get();
            };
            try {
                return new RedisReplayStore(connector.connect(), prefix, timeout, release, kind);
            } catch (RuntimeException e) {
                try {
                    release.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        }

        private static void requireUnset(Object current, String option) {
            if (current != null) {
                throw new IllegalStateException(option + " was already set");
            }
        }
    }
}
