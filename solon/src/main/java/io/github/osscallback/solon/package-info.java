/**
 * OSS callback verification for Solon: {@link io.github.osscallback.solon.OssCallbackPlugin},
 * configured from {@code oss.callback.*} properties, verifies callbacks before any handler runs;
 * actions take the verified {@link io.github.osscallback.OssCallback} as a parameter, or read it
 * with {@link io.github.osscallback.solon.OssCallbacks}.
 */
package io.github.osscallback.solon;
