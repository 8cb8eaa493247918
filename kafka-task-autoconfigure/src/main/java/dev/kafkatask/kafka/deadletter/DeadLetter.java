package dev.kafkatask.kafka.deadletter;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.monitor.DeadLetterReason;

/**
 * One record of a dead-letter topic, or one message of a RabbitMQ dead-letter queue, as its
 * headers and payload describe it.
 *
 * @param topic the dead-letter topic, or the dead-letter queue ({@code <queue>.dlq})
 * @param partition its partition; {@value #NO_PARTITION} for a message of a dead-letter
 * queue
 * @param offset its offset; for a message of a dead-letter queue, its place in the queue
 * when it was read (0 at the head): a place, not an id, which moves as messages before it
 * leave
 * @param taskId the task id, from the envelope or else the record's headers (for a message,
 * its Celery {@code id} header); {@code null} when neither says
 * @param task the task name, likewise
 * @param reason why it was dead-lettered; {@code null} when the header is missing or names
 * no reason this version knows
 * @param message what was wrong, as the dead-letter header says
 * @param deadLetteredAt when it was dead-lettered (the record's timestamp; for a message,
 * its {@code kafka-task-dlt-at} header, else its timestamp, else {@link Instant#EPOCH}: not
 * known)
 * @param attempts how many times the task ran before it was dead-lettered (0 when it never
 * ran: an invalid envelope, an unknown task, arguments that do not bind)
 * @param redriveCount how many times the task was redriven before
 * @param payloadSize the size of the payload in the dead-letter topic, in bytes
 * @param payloadOmitted whether the payload was too large to be dead-lettered and stays in
 * the task's own topic only
 * @param redrivenAt when this dead letter (or a copy of it: the same task id and redrive
 * count) was redriven, or {@code null} if it was not
 * @author kafka-task
 */
public record DeadLetter(String topic, int partition, long offset, @Nullable String taskId, @Nullable String task,
		@Nullable DeadLetterReason reason, @Nullable String message, Instant deadLetteredAt, int attempts,
		int redriveCount, int payloadSize, boolean payloadOmitted, @Nullable Instant redrivenAt) {

	/**
	 * The partition of a message of a RabbitMQ dead-letter queue, which has none.
	 */
	public static final int NO_PARTITION = -1;

	/**
	 * Return a copy that says when it was redriven.
	 * @param at when, or {@code null}
	 * @return the copy
	 */
	public DeadLetter withRedrivenAt(@Nullable Instant at) {
		return new DeadLetter(this.topic, this.partition, this.offset, this.taskId, this.task, this.reason,
				this.message, this.deadLetteredAt, this.attempts, this.redriveCount, this.payloadSize,
				this.payloadOmitted, at);
	}

	/**
	 * Return where the dead letter is: {@code <topic>-<partition>@<offset>}, or
	 * {@code <queue>.dlq#<place>} for a message of a dead-letter queue.
	 * @return its position
	 */
	public String position() {
		if (this.partition == NO_PARTITION) {
			return this.topic + "#" + this.offset;
		}
		return this.topic + "-" + this.partition + "@" + this.offset;
	}

}
