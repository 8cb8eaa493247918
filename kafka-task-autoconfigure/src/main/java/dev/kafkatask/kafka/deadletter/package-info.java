/**
 * Dead letters of the Kafka leg: listing a queue's dead-letter topic and redriving its
 * records to the queue, each dead letter once.
 */
@NullMarked
package dev.kafkatask.kafka.deadletter;

import org.jspecify.annotations.NullMarked;
