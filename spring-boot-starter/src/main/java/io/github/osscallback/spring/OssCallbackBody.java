package io.github.osscallback.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds a Spring MVC handler parameter (a record or bean of yours) from the body of the verified
 * callback, as {@link io.github.osscallback.OssCallback#bind} does: JSON bodies by their structure,
 * form bodies by field name, unknown fields ignored. Only for requests the starter's filter
 * verified; any other request is refused before the handler runs. A body that does not fit the type
 * is answered {@code 400 malformed_body}.
 *
 * <pre>{@code
 * @PostMapping("/oss/callback/upload")
 * CallbackReply uploaded(@OssCallbackBody Upload upload) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface OssCallbackBody {
}
