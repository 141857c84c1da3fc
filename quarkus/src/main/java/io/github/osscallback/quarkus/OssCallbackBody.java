package io.github.osscallback.quarkus;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a resource method's entity parameter (a record or bean of yours) from the body of the
 * verified callback, as {@link io.github.osscallback.OssCallback#bind} does: JSON bodies by their
 * structure, form bodies by field name, unknown fields ignored. A body that does not fit the type is
 * answered {@code 400 malformed_body}; the method must be verified ({@link OssCallbackVerified} or
 * {@code oss.callback.paths}).
 *
 * <pre>{@code
 * @POST @Path("/oss/callback/upload") @OssCallbackVerified
 * public CallbackReply uploaded(@OssCallbackBody Upload upload) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface OssCallbackBody {
}
