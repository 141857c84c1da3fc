/**
 * Verification of Alibaba Cloud OSS upload callbacks, independent of any web framework. Start at
 * {@link io.github.osscallback.CallbackVerifier#builder()}. The protocol, and what a verified
 * signature does and does not prove, is described in docs/protocol.md in the repository. OSS event
 * deliveries from MNS and EventBridge are verified by {@link io.github.osscallback.EventVerifier}
 * (docs/events.md).
 */
package io.github.osscallback;
