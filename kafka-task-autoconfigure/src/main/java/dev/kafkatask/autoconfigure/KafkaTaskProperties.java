package dev.kafkatask.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of kafka-task.
 *
 * @author kafka-task
 */
@ConfigurationProperties("kafka-task")
public class KafkaTaskProperties {

	/**
	 * Whether kafka-task is enabled.
	 */
	private boolean enabled = true;

	/**
	 * Queue of tasks that name none, neither in @KafkaTask nor in the dispatch.
	 */
	private String defaultQueue = "default";

	private final Kafka kafka = new Kafka();

	private final Worker worker = new Worker();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getDefaultQueue() {
		return this.defaultQueue;
	}

	public void setDefaultQueue(String defaultQueue) {
		this.defaultQueue = defaultQueue;
	}

	public Kafka getKafka() {
		return this.kafka;
	}

	public Worker getWorker() {
		return this.worker;
	}

	public static class Kafka {

		/**
		 * Prefix of the topic of each queue; the topic of queue 'q' is '<prefix>q'.
		 */
		private String topicPrefix = "tasks.";

		/**
		 * Whether to create the topics (and dead-letter topics) of known queues at startup.
		 */
		private boolean createTopics = true;

		/**
		 * Partitions of the topics created at startup. Defaults to the broker's
		 * 'num.partitions'.
		 */
		private @Nullable Integer partitions;

		/**
		 * Replication factor of the topics created at startup. Defaults to the broker's
		 * 'default.replication.factor'.
		 */
		private @Nullable Short replicationFactor;

		/**
		 * Further queues whose topics are created at startup, such as queues that only other
		 * services consume but this one dispatches to.
		 */
		private List<String> queues = new ArrayList<>();

		public String getTopicPrefix() {
			return this.topicPrefix;
		}

		public void setTopicPrefix(String topicPrefix) {
			this.topicPrefix = topicPrefix;
		}

		public boolean isCreateTopics() {
			return this.createTopics;
		}

		public void setCreateTopics(boolean createTopics) {
			this.createTopics = createTopics;
		}

		public @Nullable Integer getPartitions() {
			return this.partitions;
		}

		public void setPartitions(@Nullable Integer partitions) {
			this.partitions = partitions;
		}

		public @Nullable Short getReplicationFactor() {
			return this.replicationFactor;
		}

		public void setReplicationFactor(@Nullable Short replicationFactor) {
			this.replicationFactor = replicationFactor;
		}

		public List<String> getQueues() {
			return this.queues;
		}

		public void setQueues(List<String> queues) {
			this.queues = queues;
		}

	}

	public static class Worker {

		/**
		 * Whether this application consumes and runs tasks. A service that only dispatches
		 * can turn it off.
		 */
		private boolean enabled = true;

		/**
		 * Consumer group of the worker. Defaults to 'spring.application.name', or
		 * 'kafka-task' when that is not set.
		 */
		private @Nullable String groupId;

		/**
		 * Queues the worker consumes. Defaults to the queues of the tasks this application
		 * registers.
		 */
		private List<String> queues = new ArrayList<>();

		/**
		 * Most tasks a worker runs at once. When reached, the worker pauses its partitions
		 * and keeps polling, so it stays in its group.
		 */
		private int maxInFlight = 256;

		/**
		 * Longest time one poll waits for records.
		 */
		private Duration pollTimeout = Duration.ofSeconds(1);

		/**
		 * How often offsets of finished tasks are committed.
		 */
		private Duration commitInterval = Duration.ofSeconds(1);

		/**
		 * How long stopping waits for running tasks. Records of tasks still running then
		 * are not committed and run again after a restart.
		 */
		private Duration shutdownTimeout = Duration.ofSeconds(30);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getGroupId() {
			return this.groupId;
		}

		public void setGroupId(@Nullable String groupId) {
			this.groupId = groupId;
		}

		public List<String> getQueues() {
			return this.queues;
		}

		public void setQueues(List<String> queues) {
			this.queues = queues;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public Duration getPollTimeout() {
			return this.pollTimeout;
		}

		public void setPollTimeout(Duration pollTimeout) {
			this.pollTimeout = pollTimeout;
		}

		public Duration getCommitInterval() {
			return this.commitInterval;
		}

		public void setCommitInterval(Duration commitInterval) {
			this.commitInterval = commitInterval;
		}

		public Duration getShutdownTimeout() {
			return this.shutdownTimeout;
		}

		public void setShutdownTimeout(Duration shutdownTimeout) {
			this.shutdownTimeout = shutdownTimeout;
		}

	}

}
