/**
 * Micrometer meters of dispatches, executions and workers.
 */
@NullMarked
package dev.kafkatask.metrics;

import org.jspecify.annotations.NullMarked;
