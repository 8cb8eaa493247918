/**
 * Micrometer observations of dispatches and executions, whose tracing handlers carry the
 * trace context from the dispatch to the task in the task's headers.
 */
@NullMarked
package dev.kafkatask.observation;

import org.jspecify.annotations.NullMarked;
