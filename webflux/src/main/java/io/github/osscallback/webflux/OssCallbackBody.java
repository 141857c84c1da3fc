package io.github.osscallback.webflux;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds the verified callback's body to a handler parameter, as {@code OssCallback.bind(type)}
 * does: a record or a class with a public no-argument constructor. A body that does not bind is
 * refused with its reason (400). The Spring Boot starter's
 * {@code io.github.osscallback.spring.OssCallbackBody} works the same way on WebFlux, so a
 * controller moved from Spring MVC keeps its import.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface OssCallbackBody {
}
