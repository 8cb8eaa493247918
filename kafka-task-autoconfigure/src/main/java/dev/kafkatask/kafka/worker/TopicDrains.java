package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

import dev.kafkatask.consumer.ConsumerState;

/**
 * Stops each draining topic of a worker once its consumer has nothing more of it: every
 * assigned partition read to its end, and no record of it waiting or running. A topic of
 * which the consumer holds no partition has nothing to drain here. Called by the consumer
 * thread after each poll; looks at most every {@value #CHECK_INTERVAL_MILLIS} ms.
 *
 * @author kafka-task
 */
final class TopicDrains {

	private static final Log logger = LogFactory.getLog(TopicDrains.class);

	private static final long CHECK_INTERVAL_MILLIS = 200;

	private static final Duration END_OFFSETS_TIMEOUT = Duration.ofSeconds(5);

	private final String groupId;

	private final Consumer<String, byte[]> consumer;

	private final TopicStates topicStates;

	private final RecordScheduler scheduler;

	private long nextCheck;

	TopicDrains(String groupId, Consumer<String, byte[]> consumer, TopicStates topicStates, RecordScheduler scheduler) {
		this.groupId = groupId;
		this.consumer = consumer;
		this.topicStates = topicStates;
		this.scheduler = scheduler;
	}

	/**
	 * Stop the draining topics that are drained, if it is time to look.
	 */
	void check() {
		Set<String> draining = this.topicStates.topicsIn(Set.of(ConsumerState.DRAINING));
		long now = System.nanoTime();
		if (draining.isEmpty() || now - this.nextCheck < 0) {
			return;
		}
		this.nextCheck = now + Duration.ofMillis(CHECK_INTERVAL_MILLIS).toNanos();
		Set<TopicPartition> assigned = this.consumer.assignment();
		for (String topic : draining) {
			Set<TopicPartition> partitions = new HashSet<>();
			assigned.stream().filter((partition) -> partition.topic().equals(topic)).forEach(partitions::add);
			if (!partitions.isEmpty() && (this.scheduler.pending(partitions) > 0 || !readToEnd(partitions))) {
				continue;
			}
			logger.info("Task consumer of group '" + this.groupId + "' drained " + topic);
			this.topicStates.set(topic, ConsumerState.STOPPED);
		}
	}

	private boolean readToEnd(Set<TopicPartition> partitions) {
		try {
			Map<TopicPartition, Long> ends = this.consumer.endOffsets(partitions, END_OFFSETS_TIMEOUT);
			for (TopicPartition partition : partitions) {
				if (this.consumer.position(partition, END_OFFSETS_TIMEOUT) < ends.getOrDefault(partition, 0L)) {
					return false;
				}
			}
			return true;
		}
		catch (WakeupException ex) {
			return false;
		}
		catch (KafkaException ex) {
			logger.warn("Could not read the end offsets of " + partitions + " while draining: " + ex);
			return false;
		}
	}

}
