/** Runnable examples: the demo that plays OSS against both adapters, and the {@code serve} command. */
package io.github.osscallback.examples;
