/**
 * The extension's runtime: the request filter, the readers of {@code OssCallback} and
 * {@code @OssCallbackBody} parameters, the {@code CallbackReply} writer and the start-up
 * configuration. Public only because the code Quarkus generates around them lives in another class
 * loader; none of it is API.
 */
package io.github.osscallback.quarkus.runtime;
