package io.github.osscallback.jaxrs;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method (or every method of a resource class) as an OSS callback endpoint:
 * requests are verified before the method runs, and the method may take the verified
 * {@link io.github.osscallback.OssCallback} as its entity parameter. Requires
 * {@link OssCallbackFeature} to be registered.
 */
@NameBinding
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface OssCallbackVerified {
}
