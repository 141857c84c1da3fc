/**
 * Verification of Alibaba Cloud OSS upload callbacks, independent of any web framework. Start at
 * {@link io.github.osscallback.CallbackVerifier#builder()}.
 */
package io.github.osscallback;
