package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.monitor.DeadLetterReason;

/**
 * The delay headers of a record read from a delay tier, checked: when it is due and where it
 * goes, or why it cannot be moved on.
 *
 * @author kafka-task
 */
sealed interface DelayedRecord {

	/**
	 * The latest due a delayed record may carry, epoch milliseconds.
	 */
	long LATEST_DUE = DelayedTaskPublisher.LATEST_DUE.toEpochMilli();

	/**
	 * Read the delay headers of a record.
	 * @param record the record
	 * @param targets where delayed records may go
	 * @return the record's due time and target, or why it is refused
	 */
	static DelayedRecord read(ConsumerRecord<String, byte[]> record, DelayTargets targets) {
		String target = header(record, DelayedTaskPublisher.TARGET);
		// A refused record is counted under no task name of its own choosing: the tag would
		// be the sender's to set, and so would the meter's cardinality.
		String task = "unknown";
		if (target == null) {
			return new Refused(DeadLetterReason.INVALID_DELAY,
					"Delayed record has no " + DelayedTaskPublisher.TARGET + " header", targets.deadLetterTopic(null),
					task, record.topic());
		}
		String queue = targets.queue(target);
		if (queue == null) {
			return new Refused(DeadLetterReason.FORBIDDEN_DESTINATION, "Delayed record's target '" + shorten(target)
					+ "' is not the topic of a queue of this application", targets.deadLetterTopic(null), task,
					record.topic());
		}
		String due = header(record, DelayedTaskPublisher.DUE);
		String problem = null;
		long dueMillis = -1;
		if (due == null) {
			problem = "Delayed record has no " + DelayedTaskPublisher.DUE + " header";
		}
		else {
			try {
				dueMillis = Long.parseLong(due.strip());
				if (dueMillis < 0 || dueMillis > LATEST_DUE) {
					problem = "Delayed record's " + DelayedTaskPublisher.DUE + " header " + dueMillis
							+ " is out of range (0 to " + LATEST_DUE + " epoch milliseconds)";
				}
			}
			catch (NumberFormatException ex) {
				problem = "Delayed record's " + DelayedTaskPublisher.DUE + " header is not epoch milliseconds: '"
						+ shorten(due) + "'";
			}
		}
		if (problem != null) {
			return new Refused(DeadLetterReason.INVALID_DELAY, problem, targets.deadLetterTopic(target), task, queue);
		}
		return new Movable(dueMillis, target, queue);
	}

	private static @Nullable String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

	private static String shorten(String text) {
		return (text.length() > 200) ? text.substring(0, 200) + "..." : text;
	}

	/**
	 * A record to move on when due.
	 *
	 * @param due when it is due, epoch milliseconds
	 * @param target the topic it goes to, one of a known queue
	 * @param queue the queue of that topic
	 */
	record Movable(long due, String target, String queue) implements DelayedRecord {
	}

	/**
	 * A record that cannot be moved on, to dead-letter.
	 *
	 * @param reason why
	 * @param message what is wrong with it
	 * @param deadLetterTopic where it goes
	 * @param task the task it names, or {@code unknown}
	 * @param queue the queue it targets, or the delay topic it came from when it names no
	 * known queue
	 */
	record Refused(DeadLetterReason reason, String message, String deadLetterTopic, String task,
			String queue) implements DelayedRecord {
	}

}
