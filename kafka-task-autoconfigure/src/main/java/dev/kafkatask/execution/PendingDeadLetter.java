package dev.kafkatask.execution;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.routing.Backend;

/**
 * A dead letter that could not be written, and waits to be tried again: its delivery is not
 * settled meanwhile.
 *
 * @param backend the backend of its delivery
 * @param cluster the Kafka cluster its delivery was read from, where it is to be written, or
 * {@code null} on RabbitMQ
 * @param queue the queue of its delivery
 * @param delivery where its delivery came from
 * @param reason why it is dead-lettered
 * @param failure why the write failed, last time
 * @param since when the first write failed
 * @author kafka-task
 */
public record PendingDeadLetter(Backend backend, @Nullable String cluster, String queue, String delivery,
		DeadLetterReason reason, String failure, Instant since) {
}
