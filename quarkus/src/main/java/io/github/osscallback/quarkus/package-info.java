/**
 * OSS callback verification for Quarkus REST: add the extension, set
 * {@code oss.callback.key-url-prefixes} in {@code application.properties}, and mark resource methods
 * {@link io.github.osscallback.quarkus.OssCallbackVerified}; they take
 * {@link io.github.osscallback.OssCallback} or an {@link io.github.osscallback.quarkus.OssCallbackBody}
 * parameter and return {@link io.github.osscallback.CallbackReply} or a JSON body.
 */
package io.github.osscallback.quarkus;
