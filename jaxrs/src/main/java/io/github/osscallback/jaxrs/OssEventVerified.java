package io.github.osscallback.jaxrs;

import jakarta.ws.rs.NameBinding;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a resource method (or every method of a resource class) as an endpoint for OSS event
 * deliveries (MNS topic push, EventBridge HTTP targets): requests are verified before the method
 * runs, and the method may take the verified {@link io.github.osscallback.EventDelivery} as its
 * entity parameter, or the raw payload as {@code byte[]} or {@code String}. Requires
 * {@link OssEventFeature} to be registered. Not for a method that is also
 * {@link OssCallbackVerified}: an event is not a callback.
 */
@NameBinding
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface OssEventVerified {
}
