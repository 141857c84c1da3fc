/**
 * The {@code oss-callback} command line: reproduce, diagnose and lint OSS upload callbacks on a
 * developer's machine. A tool, not an API: nothing here is meant to be called from other code.
 */
package io.github.osscallback.cli;
