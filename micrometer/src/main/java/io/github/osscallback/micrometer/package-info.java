/**
 * Micrometer meters for OSS callbacks and key fetches, as a
 * {@link io.github.osscallback.CallbackListener}: {@link io.github.osscallback.micrometer.OssCallbackMetrics}.
 */
package io.github.osscallback.micrometer;
