/**
 * A sample service whose tasks run on Kafka through kafka-task.
 */
@NullMarked
package dev.kafkatask.sample;

import org.jspecify.annotations.NullMarked;
