package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.Map;

import org.springframework.util.Assert;

/**
 * Settings of a {@link TaskWorker}, apart from its runtime state.
 *
 * @param groupId the consumer group id
 * @param maxInFlight the most tasks that may run at once in the worker
 * @param maxInFlightPerPartition the most tasks of one partition that may run at once
 * @param maxWaitingPerPartition the most records of one partition that may wait behind a
 * running record with the same key before the partition is paused
 * @param ordering the ordering mode of each topic; topics not named are {@code defaultOrdering}
 * @param defaultOrdering the ordering mode of other topics
 * @param pollTimeout how long one poll may wait for records
 * @param commitInterval how often finished offsets are committed
 * @param commitCount how many records may finish before their offsets are committed, sooner
 * than the interval: after a crash, at most about this many finished tasks run again
 * @param commitMetadata whether commits record the finished offsets above them, so that after
 * a crash only unfinished tasks run again
 * @param revokeTimeout how long a revocation waits for the running tasks of the revoked
 * partitions before it commits and lets them go
 * @param shutdownTimeout how long stopping waits for running tasks before it commits what
 * finished and abandons the rest (their records run again after a restart)
 * @author kafka-task
 */
public record WorkerSettings(String groupId, int maxInFlight, int maxInFlightPerPartition,
		int maxWaitingPerPartition, Map<String, OrderingMode> ordering, OrderingMode defaultOrdering,
		Duration pollTimeout, Duration commitInterval, int commitCount, boolean commitMetadata, Duration revokeTimeout,
		Duration shutdownTimeout) {

	public WorkerSettings {
		Assert.hasText(groupId, "'groupId' must not be empty");
		Assert.isTrue(maxInFlight > 0, "'maxInFlight' must be positive");
		Assert.isTrue(maxInFlightPerPartition > 0, "'maxInFlightPerPartition' must be positive");
		Assert.isTrue(maxWaitingPerPartition >= 0, "'maxWaitingPerPartition' must not be negative");
		Assert.isTrue(!pollTimeout.isNegative() && !pollTimeout.isZero(), "'pollTimeout' must be positive");
		Assert.isTrue(!commitInterval.isNegative(), "'commitInterval' must not be negative");
		Assert.isTrue(commitCount > 0, "'commitCount' must be positive");
		Assert.isTrue(!revokeTimeout.isNegative(), "'revokeTimeout' must not be negative");
		Assert.isTrue(!shutdownTimeout.isNegative(), "'shutdownTimeout' must not be negative");
		ordering = Map.copyOf(ordering);
	}

	/**
	 * Return settings with defaults for everything but the group id.
	 * @param groupId the consumer group id
	 * @return the settings
	 */
	public static WorkerSettings of(String groupId) {
		return new WorkerSettings(groupId, 256, Integer.MAX_VALUE, 1000, Map.of(), OrderingMode.UNORDERED,
				Duration.ofSeconds(1), Duration.ofSeconds(1), 256, true, Duration.ofSeconds(10), Duration.ofSeconds(30));
	}

	/**
	 * Return the ordering mode of a topic.
	 * @param topic the topic
	 * @return the ordering mode
	 */
	public OrderingMode orderingOf(String topic) {
		return this.ordering.getOrDefault(topic, this.defaultOrdering);
	}

}
