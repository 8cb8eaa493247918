package dev.kafkatask.kafka.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a worker's consumer thread knows of its partitions, published for other threads
 * (health, metrics, the endpoint), since the consumer itself may only be used by its own
 * thread: the assignment, the partitions it paused, and the offset it last committed for
 * each. Written by the consumer thread, read from any thread.
 *
 * @author kafka-task
 */
final class AssignedPartitions {

	private volatile Set<TopicPartition> assignment = Set.of();

	private volatile Set<TopicPartition> paused = Set.of();

	private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

	/**
	 * The consumer's assignment changed.
	 * @param assignment the partitions assigned now
	 */
	void assigned(Collection<TopicPartition> assignment) {
		this.assignment = Set.copyOf(assignment);
	}

	/**
	 * Partitions were revoked or lost: they are forgotten at once, although the consumer
	 * counts them as assigned until its callback returns.
	 * @param partitions the partitions that go
	 */
	void removed(Collection<TopicPartition> partitions) {
		Set<TopicPartition> remaining = new HashSet<>(this.assignment);
		remaining.removeAll(partitions);
		this.assignment = Set.copyOf(remaining);
		Set<TopicPartition> stillPaused = new HashSet<>(this.paused);
		stillPaused.removeAll(partitions);
		this.paused = Set.copyOf(stillPaused);
		partitions.forEach(this.committed::remove);
	}

	/**
	 * The consumer paused or resumed partitions.
	 * @param paused the partitions paused now
	 */
	void paused(Collection<TopicPartition> paused) {
		this.paused = Set.copyOf(paused);
	}

	/**
	 * Offsets were committed.
	 * @param offsets the offsets, by partition
	 */
	void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
		offsets.forEach((partition, offset) -> this.committed.put(partition, offset.offset()));
	}

	/**
	 * The consumer closed: nothing is assigned any more.
	 */
	void clear() {
		this.assignment = Set.of();
		this.paused = Set.of();
		this.committed.clear();
	}

	Set<TopicPartition> assignment() {
		return this.assignment;
	}

	/**
	 * Return the state of each assigned partition, by topic and partition.
	 * @param loads the tasks running and records waiting, by partition
	 * @return the states
	 */
	List<PartitionState> states(Map<TopicPartition, RecordScheduler.PartitionLoad> loads) {
		Set<TopicPartition> pausedNow = this.paused;
		List<PartitionState> states = new ArrayList<>();
		for (TopicPartition partition : this.assignment) {
			RecordScheduler.PartitionLoad load = loads.get(partition);
			states.add(new PartitionState(partition, (load != null) ? load.inFlight() : 0,
					(load != null) ? load.buffered() : 0, pausedNow.contains(partition),
					this.committed.getOrDefault(partition, -1L)));
		}
		states.sort(Comparator.comparing((PartitionState state) -> state.partition().topic())
			.thenComparingInt((state) -> state.partition().partition()));
		return states;
	}

}
