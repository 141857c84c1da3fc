package io.github.osscallback;

import static io.github.osscallback.CallbackRejectedException.Reason.BODY_TOO_LARGE;
import static io.github.osscallback.CallbackRejectedException.Reason.BODY_UNREADABLE;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/** Reads and checks callback bodies within the verifier's limit, refusing more before buffering it. */
final class BodyLimit {

    private final int maxBytes;

    BodyLimit(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    int maxBytes() {
        return maxBytes;
    }

    /** See {@link CallbackVerifier#verify(CallbackRequest, InputStream, long)}. */
    byte[] read(InputStream in, long declaredLength) throws CallbackRejectedException {
        if (declaredLength > maxBytes) {
            throw tooLarge("declares " + declaredLength + " bytes");
        }
        try {
            if (declaredLength >= 0) {
                // The usual case: read exactly the declared bytes into their final array, no copying.
                byte[] body = in.readNBytes((int) declaredLength);
                if (body.length < declaredLength) {
                    throw shortBody(body.length, declaredLength);
                }
                if (in.read() != -1) {
                    throw tooLarge("has more bytes than its Content-Length of " + declaredLength);
                }
                return body;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(8192, maxBytes));
            byte[] chunk = new byte[Math.min(8192, maxBytes + 1)];
            int total = 0;
            int n;
            while ((n = in.read(chunk, 0, Math.min(chunk.length, maxBytes + 1 - total))) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw tooLarge("has more than " + maxBytes + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        } catch (IOException | UncheckedIOException e) {
            throw new CallbackRejectedException(BODY_UNREADABLE, "body could not be read: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Collects a body from a publisher within the limit, as {@link #read} does from a stream:
     * refused before subscribing when it declares more than the limit, and as soon as more than
     * the limit (or than its Content-Length) arrives, cancelling the subscription. Each buffer is
     * copied before {@code onNext} returns, so the publisher may reuse or release it at once.
     *
     * @return the body, or a future failed with the same rejections as {@link #read}
     */
    CompletableFuture<byte[]> collect(Flow.Publisher<ByteBuffer> body, long declaredLength) {
        if (declaredLength > maxBytes) {
            return CompletableFuture.failedFuture(tooLarge("declares " + declaredLength + " bytes"));
        }
        Collector collector = new Collector(declaredLength);
        try {
            body.subscribe(collector);
        } catch (RuntimeException e) {
            collector.onError(e);
        }
        return collector.result;
    }

    /** Gathers one body; demand is unbounded, as every buffer is copied at once and the total is bounded. */
    private final class Collector implements Flow.Subscriber<ByteBuffer> {
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final long declared;
        private byte[] bytes;
        private int total;
        private Flow.Subscription subscription; // set once, by onSubscribe

        Collector(long declared) {
            this.declared = declared;
            // The declared length is within the limit here, so the usual body lands in its final array.
            this.bytes = new byte[declared >= 0 ? (int) declared : Math.min(8192, maxBytes)];
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            if (subscription != null || result.isDone()) {
                s.cancel(); // a second subscription is against the rules (Reactive Streams 2.5)
                return;
            }
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ByteBuffer buffer) {
            if (result.isDone()) {
                return; // refused already; anything still arriving is dropped
            }
            int n = buffer.remaining();
            long after = (long) total + n;
            if (declared >= 0 && after > declared) {
                refuse(tooLarge("has more bytes than its Content-Length of " + declared));
                return;
            }
            if (after > maxBytes) {
                refuse(tooLarge("has more than " + maxBytes + " bytes"));
                return;
            }
            if (after > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(maxBytes, Math.max(after, 2L * bytes.length)));
            }
            buffer.duplicate().get(bytes, total, n);
            total = (int) after;
        }

        @Override
        public void onError(Throwable error) {
            result.completeExceptionally(new CallbackRejectedException(BODY_UNREADABLE, "body could not be read: "
                    + error.getClass().getSimpleName(), error));
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            if (declared >= 0 && total < declared) {
                result.completeExceptionally(shortBody(total, declared));
                return;
            }
            result.complete(total == bytes.length ? bytes : Arrays.copyOf(bytes, total));
        }

        private void refuse(CallbackRejectedException e) {
            result.completeExceptionally(e);
            bytes = null;
            if (subscription != null) {
                subscription.cancel();
            }
        }
    }

    /** A body handed over already read, checked against the same limit. */
    byte[] check(byte[] body) throws CallbackRejectedException {
        if (body.length > maxBytes) {
            throw tooLarge("has " + body.length + " bytes");
        }
        return body;
    }

    /**
     * A body cut short would be verified as if complete, and fail as a misleading signature
     * mismatch. No bytes at all usually means an earlier filter read the body (for instance by
     * asking for form parameters), which only running the OSS filter first can fix.
     */
    private static CallbackRejectedException shortBody(int received, long declared) {
        String hint = received == 0
                ? "; no body bytes were left to read: another filter or framework probably consumed the body,"
                        + " so the OSS callback filter must run before anything that reads parameters or the body"
                : "";
        return new CallbackRejectedException(BODY_UNREADABLE, "body ended after " + received + " of the "
                + declared + " bytes its Content-Length declares" + hint);
    }

    private CallbackRejectedException tooLarge(String what) {
        return new CallbackRejectedException(BODY_TOO_LARGE, "body " + what + "; the limit is " + maxBytes + " bytes");
    }
}
