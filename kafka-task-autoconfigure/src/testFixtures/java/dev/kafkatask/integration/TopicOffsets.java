package dev.kafkatask.integration;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import dev.kafkatask.test.TestKafka;

/**
 * Reads end offsets, a group's committed offsets and a share group's lag on the
 * shared test broker, and how many records a topic holds on any cluster.
 *
 * @author kafka-task
 */
final class TopicOffsets {

	private TopicOffsets() {
	}

	static long endOffset(TopicPartition partition) throws Exception {
		try (Admin admin = admin()) {
			return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
		}
	}

	/**
	 * Return a group's committed offset of a partition.
	 * @param group the group
	 * @param partition the partition
	 * @return the offset, or {@code -1} before the group's first commit
	 * @throws Exception if it cannot be read
	 */
	static long committedOffset(String group, TopicPartition partition) throws Exception {
		try (Admin admin = admin()) {
			OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group)
				.partitionsToOffsetAndMetadata()
				.get()
				.get(partition);
			return (offset != null) ? offset.offset() : -1;
		}
	}

	/**
	 * Return a share group's lag on a partition: its records not acknowledged yet, whether
	 * waiting or in flight.
	 * @param group the share group
	 * @param partition the partition
	 * @return the lag, or {@code -1} before the group read the partition
	 * @throws Exception if it cannot be read
	 */
	static long shareLag(String group, TopicPartition partition) throws Exception {
		try (Admin admin = admin()) {
			SharePartitionOffsetInfo offset = admin
				.listShareGroupOffsets(Map.of(group, new ListShareGroupOffsetsSpec().topicPartitions(List.of(partition))))
				.partitionsToOffsetInfo(group)
				.get()
				.get(partition);
			return (offset != null) ? offset.lag().orElse(-1L) : -1;
		}
	}

	/**
	 * Return how many records a topic holds on a cluster: the sum of its partitions' end
	 * offsets.
	 * @param bootstrapServers the cluster
	 * @param topic the topic
	 * @return the records, {@code 0} when the topic does not exist there
	 * @throws Exception if they cannot be read
	 */
	static long records(String bootstrapServers, String topic) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			if (!admin.listTopics().names().get().contains(topic)) {
				return 0;
			}
			Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
			admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().forEach(
					(partition) -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
			return admin.listOffsets(latest).all().get().values().stream().mapToLong((info) -> info.offset()).sum();
		}
	}

	private static Admin admin() {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()));
	}

}
