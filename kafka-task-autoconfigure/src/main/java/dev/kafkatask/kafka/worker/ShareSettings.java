package dev.kafkatask.kafka.worker;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * Settings of the share group consumers of a {@link TaskWorker}.
 *
 * @param groupId the share group id, distinct from the worker's consumer group id (Kafka
 * keeps one namespace for both kinds of group)
 * @param consumers how many share consumers the worker runs, each on its own thread; a
 * consumer fetches again only once every record of its last fetch is acknowledged (or its
 * lock renewed), so more consumers keep a few slow tasks from holding back the queue
 * @param maxPollRecords the most records one consumer fetches at a time: the worker runs at
 * most {@code consumers x maxPollRecords} share group tasks at once
 * @param maxDeliveries the most deliveries of a record that run; a record delivered more
 * often is dead-lettered {@code max-deliveries}, or {@code 0} for no limit
 * @param pollTimeout how long one poll may wait for records
 * @param shutdownTimeout how long stopping waits for running tasks before it gives their
 * records back to the group
 * @author kafka-task
 */
public record ShareSettings(String groupId, int consumers, int maxPollRecords, int maxDeliveries,
		Duration pollTimeout, Duration shutdownTimeout) {

	public ShareSettings {
		Assert.hasText(groupId, "'groupId' must not be empty");
		Assert.isTrue(consumers > 0, "'consumers' must be positive");
		Assert.isTrue(maxPollRecords > 0, "'maxPollRecords' must be positive");
		Assert.isTrue(maxDeliveries >= 0, "'maxDeliveries' must not be negative");
		Assert.isTrue(!pollTimeout.isNegative() && !pollTimeout.isZero(), "'pollTimeout' must be positive");
		Assert.isTrue(!shutdownTimeout.isNegative(), "'shutdownTimeout' must not be negative");
	}

}
