/**
 * The non-blocking Kafka listener container: one consumer thread, a bounded set of tasks on
 * virtual threads, and offset tracking that never commits past an unfinished record.
 */
@NullMarked
package dev.kafkatask.kafka.listener;

import org.jspecify.annotations.NullMarked;
