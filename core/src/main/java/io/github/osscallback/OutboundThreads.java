package io.github.osscallback;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads and HTTP client of one caller that reaches out of the process (key fetches, object
 * checks with OSS). Threads are daemons named after their owner, keep no web application's class
 * loader alive, and are remembered until seen to end, so that closing can wait for them: a servlet
 * container reports a thread that outlives its application as a leak.
 */
final class OutboundThreads {

    private final String namePrefix;
    private final AtomicInteger count = new AtomicInteger();
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();

    /** Threads named {@code namePrefix + n}. */
    OutboundThreads(String namePrefix) {
        this.namePrefix = namePrefix;
    }

    ThreadFactory factory() {
        return task -> {
            Thread t = new Thread(task, namePrefix + count.incrementAndGet());
            t.setDaemon(true);
            t.setContextClassLoader(null);
            threads.removeIf(old -> !old.isAlive()); // pools retire idle threads; forget them
            threads.add(t);
            return t;
        };
    }

    /** A client that follows no redirect, speaks HTTP/1.1 and runs on {@code executor}. */
    static HttpClient client(Duration connectTimeout, Executor executor) {
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
    static void shutDown(HttpClient client) {
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(client);
        } catch (NoSuchMethodException e) {
            // Before Java 21: the selector thread ends by itself once the client is unreachable.
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Closing must not fail a shutdown; the threads of ours are waited for regardless.
        }
    }

    /** Waits, at most {@code wait} in all, for every thread to end; their executors were shut down first. */
    void awaitEnd(Duration wait) {
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

    /** The threads started and not yet seen to end (for tests). */
    Set<Thread> snapshot() {
        return Set.copyOf(threads);
    }
}
