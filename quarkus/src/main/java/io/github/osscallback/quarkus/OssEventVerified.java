package io.github.osscallback.quarkus;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Quarkus REST resource method (or every method of a resource class) as an endpoint for
 * OSS event deliveries (MNS topic push, EventBridge HTTP targets): each request is verified, off
 * the I/O thread, before the method runs, and the method may take the verified
 * {@link io.github.osscallback.EventDelivery}. A redelivery of a message the application already
 * took is answered 200 without calling the method; when the method fails or answers other than
 * 2xx, the message id is released so the sender's retry is taken as a first delivery. Requests
 * under {@code oss.callback.events.paths} are verified without it. The application fails to start
 * when it has such methods and accepts no event service ({@code oss.callback.events.*}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface OssEventVerified {
}
