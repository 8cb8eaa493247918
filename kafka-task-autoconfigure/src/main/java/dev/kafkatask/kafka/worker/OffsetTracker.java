package dev.kafkatask.kafka.worker;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Tracks, per assigned partition, which records finished, so that a commit never passes a
 * record that has not finished, whatever order tasks finish in.
 * <p>
 * {@link #received} is called by the consumer thread in offset order; the {@link Ticket} it
 * returns is finished from any thread. A ticket of a partition that was revoked or lost in
 * the meantime has no effect, even if the partition was assigned again.
 *
 * @author kafka-task
 */
public final class OffsetTracker {

	private final Map<TopicPartition, PartitionOffsets> partitions = new ConcurrentHashMap<>();

	private volatile boolean withMetadata = true;

	/**
	 * Record that a record was received.
	 * @param partition the record's partition
	 * @param offset the record's offset
	 * @return the ticket to finish the record with, or {@code null} when an earlier owner of
	 * the partition already finished it
	 */
	public @Nullable Ticket received(TopicPartition partition, long offset) {
		PartitionOffsets offsets = this.partitions.computeIfAbsent(partition, (key) -> new PartitionOffsets());
		return offsets.received(offset) ? new Ticket(offsets, offset) : null;
	}

	/**
	 * Record the offsets of a newly assigned partition that its earlier owner already
	 * finished, as read from the metadata of its committed offset.
	 * @param partition the partition
	 * @param committed the committed offset and its metadata
	 * @return how many finished offsets the metadata named
	 */
	public int restore(TopicPartition partition, OffsetAndMetadata committed) {
		NavigableSet<Long> finished = CommitMetadata.decode(committed.offset(), committed.metadata());
		if (!finished.isEmpty()) {
			this.partitions.computeIfAbsent(partition, (key) -> new PartitionOffsets()).finishedEarlier(finished);
		}
		return finished.size();
	}

	/**
	 * Return the offsets to commit for every tracked partition whose safe offset moved since
	 * it was last committed.
	 * @return the offsets to commit
	 */
	public Map<TopicPartition, OffsetAndMetadata> committable() {
		return committable(this.partitions.keySet());
	}

	/**
	 * Whether commits carry the finished offsets above them as metadata.
	 * @param withMetadata whether to write metadata
	 */
	public void setCommitMetadata(boolean withMetadata) {
		this.withMetadata = withMetadata;
	}

	/**
	 * Return the offsets to commit for the given partitions.
	 * @param partitions the partitions
	 * @return the offsets to commit
	 */
	public Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
		Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
		for (TopicPartition partition : partitions) {
			PartitionOffsets tracked = this.partitions.get(partition);
			if (tracked != null) {
				OffsetAndMetadata offset = tracked.committable(this.withMetadata);
				if (offset != null) {
					offsets.put(partition, offset);
				}
			}
		}
		return offsets;
	}

	/**
	 * Record that offsets were committed.
	 * @param offsets the committed offsets
	 */
	public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
		offsets.forEach((partition, offset) -> {
			PartitionOffsets tracked = this.partitions.get(partition);
			if (tracked != null) {
				tracked.committed(offset);
			}
		});
	}

	/**
	 * Stop tracking partitions that were revoked or lost.
	 * @param partitions the partitions
	 */
	public void forget(Collection<TopicPartition> partitions) {
		for (TopicPartition partition : partitions) {
			PartitionOffsets removed = this.partitions.remove(partition);
			if (removed != null) {
				removed.detach();
			}
		}
	}

	/**
	 * Stop tracking every partition.
	 */
	public void forgetAll() {
		forget(java.util.List.copyOf(this.partitions.keySet()));
	}

	/**
	 * Return how many received records of the given partition have not finished.
	 * @param partition the partition
	 * @return the count, {@code 0} for an untracked partition
	 */
	public int unfinished(TopicPartition partition) {
		PartitionOffsets tracked = this.partitions.get(partition);
		return (tracked != null) ? tracked.unfinishedCount() : 0;
	}

	/**
	 * Return, per tracked partition with an unfinished record, the lowest such record.
	 * @return the oldest unfinished records, by partition
	 */
	public Map<TopicPartition, OldestUnfinished> oldestUnfinished() {
		Map<TopicPartition, OldestUnfinished> oldest = new LinkedHashMap<>();
		this.partitions.forEach((partition, offsets) -> {
			OldestUnfinished record = offsets.oldestUnfinished();
			if (record != null) {
				oldest.put(partition, record);
			}
		});
		return oldest;
	}

	/**
	 * The lowest unfinished record of a partition: the commit cannot pass it.
	 *
	 * @param offset its offset
	 * @param since when it became the lowest unfinished record ({@link System#nanoTime()})
	 * @param finishedAbove how many records above it finished
	 */
	public record OldestUnfinished(long offset, long since, long finishedAbove) {

		/**
		 * Return how long it has held the commit.
		 * @return the time since it became the lowest unfinished record
		 */
		public java.time.Duration holding() {
			return java.time.Duration.ofNanos(System.nanoTime() - this.since);
		}

	}

	/**
	 * A received record, to be finished once its task is done.
	 */
	public static final class Ticket implements RecordTask.Ticket {

		private final PartitionOffsets offsets;

		private final long offset;

		Ticket(PartitionOffsets offsets, long offset) {
			this.offsets = offsets;
			this.offset = offset;
		}

		/**
		 * Record that the record finished.
		 */
		public void finished() {
			this.offsets.finished(this.offset);
		}

		/**
		 * Whether the record's partition is still this worker's: not revoked or lost since.
		 * @return whether finishing the record still counts
		 */
		public boolean isCurrent() {
			return !this.offsets.isDetached();
		}

		@Override
		public void settled(boolean deadLettered) {
			finished();
		}

		@Override
		public boolean isOwned() {
			return isCurrent();
		}

	}

}
