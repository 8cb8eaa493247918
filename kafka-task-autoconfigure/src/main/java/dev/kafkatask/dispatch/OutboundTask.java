package dev.kafkatask.dispatch;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.codec.TaskEnvelope;

/**
 * A task on its way to a transport.
 *
 * @param envelope the task envelope
 * @param queue the queue it goes to
 * @param key the partitioning key, or {@code null}
 * @author kafka-task
 */
public record OutboundTask(TaskEnvelope envelope, String queue, @Nullable String key) {

}
