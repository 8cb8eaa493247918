/**
 * The non-blocking Kafka worker: one consumer thread, a bounded set of tasks on
 * virtual threads, and offset tracking that never commits past an unfinished record.
 */
@NullMarked
package dev.kafkatask.kafka.worker;

import org.jspecify.annotations.NullMarked;
