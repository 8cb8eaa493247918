package dev.kafkatask.kafka.listener;

import java.time.Duration;

import org.springframework.util.Assert;

/**
 * Settings of a {@link TaskListenerContainer}, apart from its runtime state.
 *
 * @param groupId the consumer group id
 * @param maxInFlight the most tasks that may run at once; when reached, the container pauses
 * its partitions and keeps polling
 * @param pollTimeout how long one poll may wait for records
 * @param commitInterval how often finished offsets are committed
 * @param shutdownTimeout how long stopping waits for running tasks before it commits what
 * finished and abandons the rest (their records run again after a restart)
 * @author kafka-task
 */
public record ContainerSettings(String groupId, int maxInFlight, Duration pollTimeout, Duration commitInterval,
		Duration shutdownTimeout) {

	public ContainerSettings {
		Assert.hasText(groupId, "'groupId' must not be empty");
		Assert.isTrue(maxInFlight > 0, "'maxInFlight' must be positive");
		Assert.isTrue(!pollTimeout.isNegative() && !pollTimeout.isZero(), "'pollTimeout' must be positive");
		Assert.isTrue(!commitInterval.isNegative(), "'commitInterval' must not be negative");
		Assert.isTrue(!shutdownTimeout.isNegative(), "'shutdownTimeout' must not be negative");
	}

}
