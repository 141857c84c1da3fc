/** A Quarkus REST application with the oss-callback extension, as its tests and the packaged-jar test run it. */
package io.github.osscallback.quarkus.app;
