/** A Quarkus REST application with oss-callback-jaxrs alone, which must not start. */
package io.github.osscallback.quarkus.jaxrsalone;
