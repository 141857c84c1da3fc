/**
 * A {@code javax.servlet} filter that verifies OSS upload callbacks for Tomcat 9, Jetty 9.4 and 10,
 * Spring Boot 2.7 and any Servlet 4 container. Start at {@link io.github.osscallback.servlet.OssCallbackFilter}.
 * The same classes as {@code oss-callback-servlet}, built for {@code javax.servlet} from its sources.
 */
package io.github.osscallback.servlet;
