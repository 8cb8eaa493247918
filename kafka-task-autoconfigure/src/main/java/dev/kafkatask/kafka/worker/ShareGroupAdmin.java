package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.jspecify.annotations.Nullable;

/**
 * What a worker asks of the brokers about its share group: the group's settings, set before
 * its consumers join, and whether the group consumed a topic to its end.
 *
 * @author kafka-task
 */
public class ShareGroupAdmin implements AutoCloseable {

	/**
	 * Group setting of where a share group starts reading a partition it never read.
	 */
	static final String AUTO_OFFSET_RESET = "share.auto.offset.reset";

	/**
	 * Group setting of whether a share group reads records of aborted transactions.
	 */
	static final String ISOLATION_LEVEL = "share.isolation.level";

	/**
	 * The group settings kafka-task relies on, and their values.
	 */
	private static final Map<String, String> REQUIRED = Map.of(AUTO_OFFSET_RESET, "earliest", ISOLATION_LEVEL,
			"read_committed");

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final Duration SETTINGS_CHECK_INTERVAL = Duration.ofMillis(100);

	private final Map<String, Object> config;

	private final String groupId;

	private @Nullable Admin admin;

	/**
	 * Create the admin of a share group.
	 * @param config the admin client configuration (bootstrap servers, security)
	 * @param groupId the share group id
	 */
	public ShareGroupAdmin(Map<String, Object> config, String groupId) {
		this.config = Map.copyOf(config);
		this.groupId = groupId;
	}

	/**
	 * Set the group's settings kafka-task relies on: a partition it never read is read from
	 * its beginning (Kafka's default, {@code latest}, would skip tasks dispatched before the
	 * first worker joined), and records of aborted transactions are never delivered (chord
	 * callbacks are written in transactions). Returns once the brokers show them: the
	 * controller accepts a change before the brokers apply it, and a partition the group
	 * starts reading meanwhile would start at its end. Every consumer calls it as it starts;
	 * settings already in place are not written again.
	 * @throws KafkaException if the brokers refuse them or do not show them in time
	 */
	public synchronized void configure() {
		ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, this.groupId);
		if (configured(group)) {
			return;
		}
		List<AlterConfigOp> settings = REQUIRED.entrySet()
			.stream()
			.map((setting) -> new AlterConfigOp(new ConfigEntry(setting.getKey(), setting.getValue()),
					AlterConfigOp.OpType.SET))
			.toList();
		await(admin().incrementalAlterConfigs(Map.of(group, settings)).all(), "set the settings of share group");
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (!configured(group)) {
			if (System.nanoTime() - deadline >= 0) {
				throw new KafkaException("The brokers did not show the settings " + REQUIRED + " of share group '"
						+ this.groupId + "' within " + TIMEOUT);
			}
			try {
				Thread.sleep(SETTINGS_CHECK_INTERVAL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new KafkaException("Interrupted while waiting for the settings of share group '"
						+ this.groupId + "'", ex);
			}
		}
	}

	private boolean configured(ConfigResource group) {
		Config config = await(admin().describeConfigs(List.of(group)).all(), "read the settings of share group")
			.get(group);
		return REQUIRED.entrySet().stream().allMatch((setting) -> {
			ConfigEntry entry = (config != null) ? config.get(setting.getKey()) : null;
			return entry != null && setting.getValue().equals(entry.value());
		});
	}

	/**
	 * Return which of the given topics the group consumed to their end: every record of every
	 * partition acknowledged (the group has no lag), so none is waiting or in flight on any
	 * member.
	 * @param topics the topics
	 * @return the drained topics
	 * @throws KafkaException if the brokers do not answer in time
	 */
	public synchronized Set<String> drained(Collection<String> topics) {
		Map<String, TopicDescription> descriptions = await(admin().describeTopics(topics).allTopicNames(),
				"describe the topics of share group");
		Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
		descriptions.forEach((topic, description) -> description.partitions()
			.forEach((partition) -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest())));
		Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = await(admin().listOffsets(latest).all(),
				"read the end offsets of share group");
		Map<TopicPartition, SharePartitionOffsetInfo> starts = await(admin()
			.listShareGroupOffsets(Map.of(this.groupId, new ListShareGroupOffsetsSpec().topicPartitions(latest.keySet())))
			.partitionsToOffsetInfo(this.groupId), "read the start offsets of share group");
		Set<String> drained = new HashSet<>(descriptions.keySet());
		ends.forEach((partition, end) -> {
			SharePartitionOffsetInfo start = starts.get(partition);
			// The lag counts the records not acknowledged, in flight or not; the start offset
			// alone may stay behind acknowledged records for a while.
			boolean consumed = (start != null && start.lag().isPresent()) ? start.lag().get() == 0
					: end.offset() <= ((start != null) ? start.startOffset() : 0);
			if (!consumed) {
				drained.remove(partition.topic());
			}
		});
		return drained;
	}

	@Override
	public synchronized void close() {
		Admin current = this.admin;
		this.admin = null;
		if (current != null) {
			current.close(Duration.ofSeconds(5));
		}
	}

	private Admin admin() {
		Admin current = this.admin;
		if (current == null) {
			current = Admin.create(this.config);
			this.admin = current;
		}
		return current;
	}

	private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
		try {
			return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new KafkaException("Interrupted while trying to " + what + " '" + this.groupId + "'", ex);
		}
		catch (ExecutionException ex) {
			throw new KafkaException("Could not " + what + " '" + this.groupId + "': " + ex.getCause().getMessage(),
					ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new KafkaException("Could not " + what + " '" + this.groupId + "' within " + TIMEOUT, ex);
		}
	}

}
