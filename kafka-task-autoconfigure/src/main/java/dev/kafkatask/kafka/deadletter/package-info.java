/**
 * Dead letters of the Kafka leg: listing a queue's dead-letter topic and redriving its
 * records to the queue, each dead letter once, on each Kafka cluster
 * ({@link dev.kafkatask.kafka.deadletter.ClusterDeadLetters}); and the types the RabbitMQ leg's dead-letter
 * queues answer with too ({@link dev.kafkatask.kafka.deadletter.BackendDeadLetters}, the
 * filter, the list and the redrive's result).
 */
@NullMarked
package dev.kafkatask.kafka.deadletter;

import org.jspecify.annotations.NullMarked;
