/** JMH benchmarks and the report that prints them as same-run ratios. */
package io.github.osscallback.benchmarks;
