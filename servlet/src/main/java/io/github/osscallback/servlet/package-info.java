/**
 * A {@code jakarta.servlet} filter that verifies OSS upload callbacks for Tomcat, Jetty, Spring
 * Boot and any Servlet 5+ container. Start at {@link io.github.osscallback.servlet.OssCallbackFilter}.
 */
package io.github.osscallback.servlet;
