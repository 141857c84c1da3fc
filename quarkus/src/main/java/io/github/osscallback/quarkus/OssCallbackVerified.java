package io.github.osscallback.quarkus;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a Quarkus REST resource method (or every method of a resource class) as an OSS callback
 * endpoint: requests are verified, off the I/O thread, before the method runs, and the method may
 * take the verified {@link io.github.osscallback.OssCallback} or an {@link OssCallbackBody}
 * parameter. Requests under {@code oss.callback.paths} are verified without it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface OssCallbackVerified {
}
