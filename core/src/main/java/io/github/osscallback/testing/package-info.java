/**
 * Test support for applications: a signer that produces callbacks as OSS does and a loopback
 * stand-in for OSS's key host. Not for production key policies.
 */
package io.github.osscallback.testing;
