/**
 * Benchmarks of kafka-task on a real broker: a command-line application that starts Spring
 * Boot contexts with kafka-task's auto-configuration, dispatches tasks through the
 * {@link dev.kafkatask.dispatch.TaskDispatcher}, runs them in the worker (or, for comparison,
 * in a plain spring-kafka listener) and prints one JSON line of results.
 */
@NullMarked
package dev.kafkatask.benchmarks;

import org.jspecify.annotations.NullMarked;
