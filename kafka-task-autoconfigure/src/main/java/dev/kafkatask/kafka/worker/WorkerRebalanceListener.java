package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.monitor.TaskObserver;

/**
 * What a worker does when its group rebalances. On revocation it drops the revoked
 * partitions' records that have not started, waits up to the revoke timeout for their
 * running tasks, commits them and lets go; lost partitions are dropped at once. On
 * assignment it pauses the new partitions of paused queues at once, and reads the commit
 * metadata of the new partitions, so that records finished above the committed offset are
 * not run again. Each callback is timed for the observer.
 * Runs on the consumer thread, inside {@code poll}.
 *
 * @author kafka-task
 */
final class WorkerRebalanceListener implements ConsumerRebalanceListener {

	private static final Log logger = LogFactory.getLog(WorkerRebalanceListener.class);

	private final WorkerSettings settings;

	private final Consumer<String, byte[]> consumer;

	private final RecordScheduler scheduler;

	private final OffsetTracker offsets;

	private final AssignedPartitions partitions;

	private final TaskObserver observer;

	private final String cluster;

	private final java.util.function.Consumer<Map<TopicPartition, OffsetAndMetadata>> commitSync;

	private final TopicStates topicStates;

	WorkerRebalanceListener(WorkerSettings settings, Consumer<String, byte[]> consumer, RecordScheduler scheduler,
			OffsetTracker offsets, AssignedPartitions partitions, TaskObserver observer,
			java.util.function.Consumer<Map<TopicPartition, OffsetAndMetadata>> commitSync, TopicStates topicStates,
			String cluster) {
		this.topicStates = topicStates;
		this.cluster = cluster;
		this.settings = settings;
		this.consumer = consumer;
		this.scheduler = scheduler;
		this.offsets = offsets;
		this.partitions = partitions;
		this.observer = observer;
		this.commitSync = commitSync;
	}

	@Override
	public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
		if (partitions.isEmpty()) {
			return;
		}
		long start = System.nanoTime();
		this.scheduler.drop(partitions);
		try {
			if (!this.scheduler.awaitIdle(partitions, this.settings.revokeTimeout())) {
				logger.warn(this.scheduler.running(partitions) + " task(s) of revoked partitions "
						+ partitions + " still running after " + this.settings.revokeTimeout()
						+ "; their records will run again on the new owner");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.commitSync.accept(this.offsets.committable(partitions));
		this.offsets.forget(partitions);
		this.partitions.removed(partitions);
		rebalanced("revoked", partitions, start);
	}

	@Override
	public void onPartitionsLost(Collection<TopicPartition> partitions) {
		long start = System.nanoTime();
		this.scheduler.drop(partitions);
		this.offsets.forget(partitions);
		this.partitions.removed(partitions);
		if (!partitions.isEmpty()) {
			rebalanced("lost", partitions, start);
		}
	}

	private void rebalanced(String type, Collection<TopicPartition> partitions, long start) {
		this.observer.rebalanced(this.settings.groupId(), this.cluster, type, partitions.size(),
				Duration.ofNanos(System.nanoTime() - start));
	}

	@Override
	public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
		long start = System.nanoTime();
		// A new partition of a paused queue is paused before the poll that assigned it can
		// return any of its records.
		Set<String> paused = this.topicStates.topicsIn(Set.of(ConsumerState.PAUSED));
		List<TopicPartition> toPause = partitions.stream()
			.filter((partition) -> paused.contains(partition.topic()))
			.toList();
		if (!toPause.isEmpty()) {
			this.consumer.pause(toPause);
			this.partitions.paused(this.consumer.paused());
		}
		if (!partitions.isEmpty() && this.settings.commitMetadata()) {
			restoreFinishedOffsets(partitions);
		}
		this.partitions.assigned(this.consumer.assignment());
		if (!partitions.isEmpty()) {
			rebalanced("assigned", partitions, start);
		}
	}

	private void restoreFinishedOffsets(Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> committed = committed(new HashSet<>(partitions));
		if (committed == null) {
			return;
		}
		committed.forEach((partition, offset) -> {
			if (offset != null) {
				int restored = this.offsets.restore(partition, offset);
				if (restored > 0) {
					logger.info("Partition " + partition + ": " + restored + " record(s) above committed offset "
							+ offset.offset() + " already finished; they will not run again");
				}
			}
		});
	}

	/**
	 * Read the committed offsets of newly assigned partitions. A wake-up aimed at the poll
	 * (tasks finishing on other threads send them) does not cancel the read: it is asked
	 * again, within the revoke timeout, as a commit is.
	 */
	private @Nullable Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
		long deadline = System.nanoTime() + this.settings.revokeTimeout().toNanos();
		while (true) {
			try {
				Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
				return this.consumer.committed(partitions, left);
			}
			catch (WakeupException ex) {
				if (deadline - System.nanoTime() <= 0) {
					logger.warn("Could not read commit metadata of " + partitions + " for wake-ups within "
							+ this.settings.revokeTimeout() + "; finished records above the committed offsets may"
							+ " run again");
					return null;
				}
			}
			catch (KafkaException ex) {
				logger.warn("Could not read commit metadata of " + partitions + "; finished records above the"
						+ " committed offsets may run again: " + ex);
				return null;
			}
		}
	}

}
