/**
 * For authors of server adapters: {@link io.github.osscallback.spi.CallbackEndpoint} does what
 * every adapter does around a verifier (configuring it from settings by name, reading the body
 * within the limit, verifying, logging a rejection once, checking the reply), so an adapter only
 * translates its container's request and writes the answer; {@link io.github.osscallback.spi.CallbackPaths}
 * reads and matches the path patterns of a configuration that verifies by path. An adapter needs
 * nothing beyond this package and {@code io.github.osscallback}.
 */
package io.github.osscallback.spi;
