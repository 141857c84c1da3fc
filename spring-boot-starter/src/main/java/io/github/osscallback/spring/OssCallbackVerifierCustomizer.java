package io.github.osscallback.spring;

import io.github.osscallback.CallbackVerifier;

/**
 * Configures what the {@code oss.callback.*} properties cannot say (a {@code ReplayStore} on
 * Redis, pinned keys, a clock, rotating credentials) on the verifier the starter builds. Each
 * bean of this type (in {@code @Order}) receives the builder after the properties and the
 * application's {@code CallbackListener} beans were applied, so properties always apply.
 *
 * <p>Each builder option can be set once: setting one a property already set fails start-up
 * naming it. Listeners are {@code CallbackListener} beans, not set here. An application that
 * defines its own {@code CallbackVerifier} bean instead cannot also set verifier properties:
 * start-up fails naming them, since they would be ignored.
 */
@FunctionalInterface
public interface OssCallbackVerifierCustomizer {

    /** Sets further options on the builder; the starter builds the verifier afterwards. */
    void customize(CallbackVerifier.Builder builder);
}
