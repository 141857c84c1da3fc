/**
 * OSS callback verification for JAX-RS: register {@link io.github.osscallback.jaxrs.OssCallbackFeature}
 * and annotate callback methods with {@link io.github.osscallback.jaxrs.OssCallbackVerified}.
 */
package io.github.osscallback.jaxrs;
