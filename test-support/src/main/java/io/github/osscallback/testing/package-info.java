/**
 * Test support for applications, in the {@code oss-callback-test} artifact (add it at test scope):
 * a loopback stand-in for OSS that takes uploads from the official SDKs and calls back as OSS does
 * ({@link io.github.osscallback.testing.OssStandIn}), a signer that produces callbacks as OSS does,
 * a loopback stand-in for OSS's key host, a clock tests move by hand and OSS's body templating,
 * and stand-ins for MNS and EventBridge delivering OSS events
 * ({@link io.github.osscallback.testing.MnsPusher}, {@link io.github.osscallback.testing.EventBridgeDeliverer}).
 * Not for production key policies.
 */
package io.github.osscallback.testing;
