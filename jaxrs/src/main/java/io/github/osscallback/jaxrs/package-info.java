/**
 * OSS callback verification for JAX-RS: register {@link io.github.osscallback.jaxrs.OssCallbackFeature}
 * and annotate callback methods with {@link io.github.osscallback.jaxrs.OssCallbackVerified}; for OSS
 * event deliveries (MNS, EventBridge), {@link io.github.osscallback.jaxrs.OssEventFeature} and
 * {@link io.github.osscallback.jaxrs.OssEventVerified}.
 */
package io.github.osscallback.jaxrs;
