package dev.kafkatask.kafka.worker;

import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Commits what the {@link OffsetTracker} says is safe, on the consumer thread, and records
 * what was committed: asynchronously every interval, synchronously on revocation and
 * shutdown. A failed commit is retried at the next interval (or, synchronous, logged: the
 * records above it may run again).
 *
 * @author kafka-task
 */
final class OffsetCommitter {

	private static final Log logger = LogFactory.getLog(OffsetCommitter.class);

	private static final int MAX_WAKEUP_RETRIES = 100;

	private static final int FAILURES_PER_WARNING = 100;

	private final Consumer<String, byte[]> consumer;

	private final OffsetTracker offsets;

	private final AssignedPartitions partitions;

	private final Runnable onCommitted;

	private int failedInARow;

	OffsetCommitter(Consumer<String, byte[]> consumer, OffsetTracker offsets, AssignedPartitions partitions,
			Runnable onCommitted) {
		this.consumer = consumer;
		this.offsets = offsets;
		this.partitions = partitions;
		this.onCommitted = onCommitted;
	}

	/**
	 * Commit what is safe to commit now, without waiting.
	 */
	void commitAsync() {
		Map<TopicPartition, OffsetAndMetadata> committable = this.offsets.committable();
		if (committable.isEmpty()) {
			return;
		}
		this.consumer.commitAsync(committable, (committed, failure) -> {
			// Callbacks run on the consumer thread, in poll: no other thread reads the streak.
			if (failure == null) {
				if (this.failedInARow > 0) {
					logger.info("Offset commits succeed again after " + this.failedInARow + " failed one(s)");
					this.failedInARow = 0;
				}
				committed(committed);
			}
			else if (this.failedInARow++ % FAILURES_PER_WARNING == 0) {
				// An outage fails a commit per interval and per commit-count: one line per hundred.
				logger.warn("Offset commit failed (" + this.failedInARow + " in a row); it is retried at the next"
						+ " commit: " + failure);
			}
		});
	}

	/**
	 * Commit the given offsets and wait: a wake-up aimed at the poll does not stop it.
	 * @param committable the offsets
	 */
	void commitSync(Map<TopicPartition, OffsetAndMetadata> committable) {
		if (committable.isEmpty()) {
			return;
		}
		for (int attempt = 1;; attempt++) {
			try {
				this.consumer.commitSync(committable);
				committed(committable);
				return;
			}
			catch (WakeupException ex) {
				// a task's (or stop's) wake-up call aimed at poll: the commit is still wanted
				if (attempt == MAX_WAKEUP_RETRIES) {
					logger.warn("Offset commit of " + committable.keySet() + " gave up after " + attempt
							+ " wake-ups; those records may run again");
					return;
				}
			}
			catch (KafkaException ex) {
				logger.warn("Offset commit of " + committable.keySet() + " failed; those records may run again: " + ex);
				return;
			}
		}
	}

	private void committed(Map<TopicPartition, OffsetAndMetadata> committed) {
		this.offsets.committed(committed);
		this.partitions.committed(committed);
		this.onCommitted.run();
	}

}
