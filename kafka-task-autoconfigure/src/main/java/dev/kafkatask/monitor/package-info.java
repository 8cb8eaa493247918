/**
 * Observation hooks for what happens to tasks, implemented by the metrics binders.
 */
@NullMarked
package dev.kafkatask.monitor;

import org.jspecify.annotations.NullMarked;
