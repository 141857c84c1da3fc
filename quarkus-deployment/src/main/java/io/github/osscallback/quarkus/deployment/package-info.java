/** The build-time half of the oss-callback Quarkus extension; nothing here is API. */
package io.github.osscallback.quarkus.deployment;
