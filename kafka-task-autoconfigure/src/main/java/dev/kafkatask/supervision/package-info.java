/**
 * Supervision of kafka-task's background threads: an exception is logged, counted and backed
 * off from, never the end of the loop.
 */
@NullMarked
package dev.kafkatask.supervision;

import org.jspecify.annotations.NullMarked;
