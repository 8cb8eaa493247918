package dev.kafkatask.kafka.deadletter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Reads topics with a consumer of no group, every partition from a time (or its beginning)
 * up to the end it had when the scan began, bounded in records and in time: records written
 * meanwhile are not read, and memory holds one poll's records at a time.
 *
 * @author kafka-task
 */
final class TopicScan {

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

	private TopicScan() {
	}

	/**
	 * Read the topics.
	 * @param consumer the consumer, of no group; assigned the topics' partitions
	 * @param topics the topics; one that does not exist has no records
	 * @param from the earliest timestamp to read, or {@code null} for the beginning
	 * @param maxRecords most records to read
	 * @param timeout how long the scan may take
	 * @param visitor told of each record in turn; it stops the scan by returning
	 * {@code false}
	 * @return how many records were read, and whether the scan reached the ends
	 */
	static Outcome scan(Consumer<String, byte[]> consumer, List<String> topics, @Nullable Instant from,
			int maxRecords, Duration timeout, Visitor visitor) {
		List<TopicPartition> partitions = new ArrayList<>();
		for (String topic : topics) {
			List<PartitionInfo> infos = consumer.partitionsFor(topic);
			if (infos != null) {
				infos.forEach((info) -> partitions.add(new TopicPartition(topic, info.partition())));
			}
		}
		if (partitions.isEmpty()) {
			return new Outcome(0, true);
		}
		consumer.assign(partitions);
		consumer.resume(consumer.paused());
		Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
		seek(consumer, partitions, from);
		Set<TopicPartition> reading = new HashSet<>();
		for (TopicPartition partition : partitions) {
			if (consumer.position(partition) < ends.getOrDefault(partition, 0L)) {
				reading.add(partition);
			}
		}
		int scanned = 0;
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!reading.isEmpty()) {
			if (System.nanoTime() - deadline > 0) {
				return new Outcome(scanned, false);
			}
			ConsumerRecords<String, byte[]> records = consumer.poll(POLL_TIMEOUT);
			for (TopicPartition partition : records.partitions()) {
				long end = ends.getOrDefault(partition, 0L);
				for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
					if (record.offset() >= end) {
						break;
					}
					if (scanned >= maxRecords) {
						return new Outcome(scanned, false);
					}
					scanned++;
					if (!visitor.visit(record)) {
						return new Outcome(scanned, false);
					}
				}
			}
			List<TopicPartition> done = reading.stream()
				.filter((partition) -> consumer.position(partition) >= ends.getOrDefault(partition, 0L))
				.toList();
			if (!done.isEmpty()) {
				done.forEach(reading::remove);
				consumer.pause(done);
			}
		}
		return new Outcome(scanned, true);
	}

	private static void seek(Consumer<String, byte[]> consumer, List<TopicPartition> partitions,
			@Nullable Instant from) {
		if (from == null) {
			consumer.seekToBeginning(partitions);
			return;
		}
		Map<TopicPartition, Long> times = new HashMap<>();
		partitions.forEach((partition) -> times.put(partition, from.toEpochMilli()));
		Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
		for (TopicPartition partition : partitions) {
			OffsetAndTimestamp offset = offsets.get(partition);
			if (offset != null) {
				consumer.seek(partition, offset.offset());
			}
			else {
				// no record at or after the time
				consumer.seekToEnd(List.of(partition));
			}
		}
	}

	/**
	 * Told of each record a scan reads.
	 */
	@FunctionalInterface
	interface Visitor {

		/**
		 * Take a record.
		 * @param record the record
		 * @return whether to go on
		 */
		boolean visit(ConsumerRecord<String, byte[]> record);

	}

	/**
	 * How a scan ended.
	 *
	 * @param scanned how many records it read
	 * @param complete whether it read every partition up to its end
	 */
	record Outcome(int scanned, boolean complete) {

	}

}
