/**
 * The Quarkus server of {@code ServerCpuPerRequest} ({@code --stacks quarkus}): the same endpoint
 * under {@code /filter/}, {@code /framed/}, {@code /buffered/} and {@code /plain/} as the other
 * stacks of {@code CpuServer}.
 */
package io.github.osscallback.benchmarks.quarkus;
