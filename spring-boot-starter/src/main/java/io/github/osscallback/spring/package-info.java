/**
 * Spring Boot auto-configuration for OSS upload callbacks: add the starter, set
 * {@code oss.callback.*} properties, and write controllers under {@code oss.callback.paths} that
 * take {@link io.github.osscallback.OssCallback} or an {@link io.github.osscallback.spring.OssCallbackBody}
 * type and return {@link io.github.osscallback.CallbackReply} or any body.
 */
package io.github.osscallback.spring;
