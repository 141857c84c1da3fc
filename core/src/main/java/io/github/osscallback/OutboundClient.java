package io.github.osscallback;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP client, threads and timer of one caller that reaches out of the process (key fetches,
 * object checks with OSS), made on first use and ended by {@link #close(Runnable)}.
 *
 * <p>Threads are daemons named after their owner, keep no web application's class loader alive,
 * and are remembered until seen to end, so that closing can wait for them: a servlet container
 * reports a thread that outlives its application as a leak. For the same reason deadlines run on
 * a timer of ours, not {@code CompletableFuture.orTimeout}, whose JDK-wide timer thread would be
 * started by (and keep) the class loader of whichever application first set a deadline. The
 * JDK's client has one thread of its own (its selector): from Java 21 close shuts the client down
 * too; before that the JDK offers no way to, and the thread ends once the client is unreachable.
 */
final class OutboundClient {

    /** How long close waits for the threads to end; work in flight is interrupted first. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final String threadNamePrefix;
    private final AtomicInteger clientsMade;
    private final Duration connectTimeout;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final AtomicInteger threadsMade = new AtomicInteger();
    private HttpClient client; // guarded by this
    private ExecutorService executor; // guarded by this
    private ScheduledExecutorService timer; // guarded by this
    private boolean closed; // guarded by this

    /**
     * Threads named {@code threadNamePrefix + c + "-" + n}, where {@code c} counts, in
     * {@code clientsMade}, the clients its owner's class has made (a test tells its own threads by it).
     */
    OutboundClient(String threadNamePrefix, AtomicInteger clientsMade, Duration connectTimeout) {
        this.threadNamePrefix = threadNamePrefix;
        this.clientsMade = clientsMade;
        this.connectTimeout = connectTimeout;
    }

    /** The client, made on first use; null once closed. */
    synchronized HttpClient client() {
        if (closed) {
            return null;
        }
        if (client == null) {
            ThreadFactory factory = factory(threadNamePrefix + clientsMade.incrementAndGet() + "-");
            executor = Executors.newCachedThreadPool(factory);
            ScheduledThreadPoolExecutor deadlines = new ScheduledThreadPoolExecutor(1, factory);
            deadlines.setRemoveOnCancelPolicy(true);
            deadlines.setKeepAliveTime(1, TimeUnit.MINUTES);
            deadlines.allowCoreThreadTimeOut(true);
            timer = deadlines;
            client = newClient(connectTimeout, executor);
        }
        return client;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /**
     * Fails {@code work} with a {@link TimeoutException} once {@code timeout} has passed, unless it
     * ended before; null, and nothing scheduled, once closed (close ends the work in flight itself).
     */
    ScheduledFuture<?> failAfter(CompletableFuture<?> work, long timeout, TimeUnit unit) {
        ScheduledExecutorService deadlines;
        synchronized (this) {
            deadlines = timer;
        }
        if (deadlines == null) {
            return null;
        }
        try {
            ScheduledFuture<?> deadline = deadlines.schedule(
                    () -> work.completeExceptionally(new TimeoutException()), timeout, unit);
            work.whenComplete((result, error) -> deadline.cancel(false));
            return deadline;
        } catch (RejectedExecutionException e) {
            return null; // closed since the timer was read
        }
    }

    /**
     * Refuses further use, stops the client and the threads, runs {@code endInFlight} (whose work
     * has no thread or deadline left to end it), and waits a bounded time for the threads.
     * Idempotent: {@code endInFlight} runs at the first close only.
     */
    void close(Runnable endInFlight) {
        HttpClient closing;
        ExecutorService stopping;
        ScheduledExecutorService stoppingTimer;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closing = client;
            stopping = executor;
            stoppingTimer = timer;
            client = null;
            executor = null;
            timer = null;
        }
        if (closing != null) {
            shutDown(closing);
            stopping.shutdownNow();
            stoppingTimer.shutdownNow();
        }
        endInFlight.run();
        if (closing != null) {
            awaitEnd(CLOSE_WAIT);
        }
    }

    /** The threads started and not yet seen to end (for tests). */
    Set<Thread> threads() {
        return Set.copyOf(threads);
    }

    private ThreadFactory factory(String namePrefix) {
        return task -> {
            Thread t = new Thread(task, namePrefix + threadsMade.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(null);
            threads.removeIf(old -> !old.isAlive()); // pools retire idle threads; forget them
            threads.add(t);
            return t;
        };
    }

    /** A client that follows no redirect, speaks HTTP/1.1 and runs on {@code executor}. */
    private static HttpClient newClient(Duration connectTimeout, ExecutorService executor) {
        // The client starts its selector thread here, inheriting this thread's context loader.
        Thread current = Thread.currentThread();
        ClassLoader callerLoader = current.getContextClassLoader();
        current.setContextClassLoader(null);
        try {
            return HttpClient.newBuilder()
                    .connectTimeout(connectTimeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(executor)
                    .build();
        } finally {
            current.setContextClassLoader(callerLoader);
        }
    }

    /** Ends the client's own selector thread where the JDK can (21 and later). */
    private static void shutDown(HttpClient client) {
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(client);
        } catch (NoSuchMethodException e) {
            // Before Java 21: the selector thread ends by itself once the client is unreachable.
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Closing must not fail a shutdown; the threads of ours are waited for regardless.
        }
    }

    /** Waits, at most {@code wait} in all, for every thread to end; their executors were shut down first. */
    private void awaitEnd(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (t == Thread.currentThread() || left <= 0) {
                continue;
            }
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        threads.removeIf(t -> !t.isAlive());
    }
}
