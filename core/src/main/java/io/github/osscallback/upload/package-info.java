/**
 * For the server that lets clients upload: the {@code x-oss-callback} parameters
 * ({@link io.github.osscallback.upload.CallbackParameters}) and signed PostObject policies
 * ({@link io.github.osscallback.upload.PostPolicy}) that make OSS call back exactly as the
 * verifier expects. It handles AccessKey secrets; the verifying side needs none of it.
 */
package io.github.osscallback.upload;
