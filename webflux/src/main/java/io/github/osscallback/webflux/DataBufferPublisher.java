package io.github.osscallback.webflux;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;

/**
 * A request body of data buffers as the {@link Flow.Publisher} of byte buffers the verifier
 * reads: each buffer's bytes are handed on, then the buffer is released at once, since the
 * verifier copies them before {@code onNext} returns. Demand passes through: the verifier asks
 * for everything and cancels as soon as the body exceeds its limit, which cancels the read.
 */
final class DataBufferPublisher implements Flow.Publisher<ByteBuffer> {

    private final Publisher<DataBuffer> body;

    DataBufferPublisher(Publisher<DataBuffer> body) {
        this.body = body;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Flux.from(body).subscribe(new BaseSubscriber<DataBuffer>() {
            private volatile boolean cancelled;

            @Override
            protected void hookOnSubscribe(Subscription upstream) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                        upstream.request(n);
                    }

                    @Override
                    public void cancel() {
                        cancelled = true;
                        upstream.cancel();
                    }
                });
            }

            @Override
            protected void hookOnNext(DataBuffer buffer) {
                try {
                    if (cancelled) {
                        return; // refused already: released below, never read
                    }
                    try (DataBuffer.ByteBufferIterator views = buffer.readableByteBuffers()) {
                        while (views.hasNext() && !cancelled) {
                            subscriber.onNext(views.next());
                        }
                    }
                } finally {
                    DataBufferUtils.release(buffer);
                }
            }

            @Override
            protected void hookOnComplete() {
                subscriber.onComplete();
            }

            @Override
            protected void hookOnError(Throwable error) {
                subscriber.onError(error);
            }
        });
    }
}
