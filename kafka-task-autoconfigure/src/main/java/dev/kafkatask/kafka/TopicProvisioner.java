package dev.kafkatask.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;

import org.springframework.kafka.KafkaException;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Creates the task topics and dead-letter topics of queues, with the configured partitions and
 * replication factor (the broker's defaults when unset). Existing topics are left as they are,
 * except that partitions are added when fewer than configured.
 *
 * @author kafka-task
 */
public class TopicProvisioner {

	private static final Log logger = LogFactory.getLog(TopicProvisioner.class);

	private static final Duration LEADER_TIMEOUT = Duration.ofSeconds(30);

	private final KafkaAdmin admin;

	private final TaskTopics topics;

	private final Optional<Integer> partitions;

	private final Optional<Short> replicationFactor;

	/**
	 * Create a provisioner.
	 * @param admin the admin of the cluster; the provisioner talks to it through an admin of
	 * its own, with the same configuration, whose calls give up at the admin's operation
	 * timeout (Kafka's own default, a minute, would hold startup that long while the
	 * brokers are down)
	 * @param topics the topics of queues
	 * @param partitions partitions of created topics, else the brokers' default
	 * @param replicationFactor replication factor of created topics, else the brokers' default
	 */
	public TopicProvisioner(KafkaAdmin admin, TaskTopics topics, Optional<Integer> partitions,
			Optional<Short> replicationFactor) {
		this.admin = bounded(admin);
		this.topics = topics;
		this.partitions = partitions;
		this.replicationFactor = replicationFactor;
	}

	private static KafkaAdmin bounded(KafkaAdmin admin) {
		Map<String, Object> config = new HashMap<>(admin.getConfigurationProperties());
		int millis = (int) Math.min(Integer.MAX_VALUE, admin.getOperationTimeout() * 1000L);
		config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
		config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
		KafkaAdmin bounded = new KafkaAdmin(config);
		bounded.setOperationTimeout(admin.getOperationTimeout());
		return bounded;
	}

	/**
	 * Create the topics of the given queues where they do not exist.
	 * @param queues the queues
	 */
	public void provision(Collection<String> queues) {
		provision(queues, List.of());
	}

	/**
	 * Create the topics of the given queues, and further topics by name (the delay tiers and their dead-letter topic, the reply topic),
	 * where they do not exist.
	 * @param queues the queues
	 * @param otherTopics further topics
	 * @throws TopicProvisioningException if the topics could not be created
	 */
	public void provision(Collection<String> queues, Collection<String> otherTopics) {
		if (queues.isEmpty() && otherTopics.isEmpty()) {
			return;
		}
		List<NewTopic> newTopics = new ArrayList<>();
		otherTopics.forEach((topic) -> newTopics.add(new NewTopic(topic, this.partitions, this.replicationFactor)));
		for (String queue : queues) {
			String topic = this.topics.topic(queue);
			newTopics.add(new NewTopic(topic, this.partitions, this.replicationFactor));
			newTopics.add(new NewTopic(this.topics.deadLetterTopic(topic), this.partitions, this.replicationFactor));
		}
		try {
			this.admin.createOrModifyTopics(newTopics.toArray(NewTopic[]::new));
		}
		catch (RuntimeException ex) {
			throw new TopicProvisioningException(newTopics.stream().map(NewTopic::name).toList(),
					this.admin.getConfigurationProperties().get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), ex);
		}
		awaitLeaders(newTopics.stream().map(NewTopic::name).toArray(String[]::new));
		logger.info("Task topics ready for queues " + queues);
	}

	/**
	 * Create topics where they do not exist, with the configured partitions and replication
	 * factor and the given topic configurations (the chord topics).
	 * @param topics the topics by name, each with its configuration
	 * @throws TopicProvisioningException if the topics could not be created
	 */
	public void provisionTopics(Map<String, Map<String, String>> topics) {
		create(topics, this.partitions);
	}

	/**
	 * Create topics of one partition where they do not exist, with the configured
	 * replication factor and the given topic configurations (the beat's leader topic, and its
	 * compacted state topic).
	 * @param topics the topics by name, each with its configuration
	 * @throws TopicProvisioningException if the topics could not be created
	 */
	public void provisionSinglePartition(Map<String, Map<String, String>> topics) {
		create(topics, Optional.of(1));
	}

	private void create(Map<String, Map<String, String>> topics, Optional<Integer> partitions) {
		List<NewTopic> newTopics = new ArrayList<>();
		topics.forEach((name, configs) -> newTopics
			.add(new NewTopic(name, partitions, this.replicationFactor).configs(configs)));
		try {
			this.admin.createOrModifyTopics(newTopics.toArray(NewTopic[]::new));
		}
		catch (RuntimeException ex) {
			throw new TopicProvisioningException(List.copyOf(topics.keySet()),
					this.admin.getConfigurationProperties().get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), ex);
		}
		awaitLeaders(topics.keySet().toArray(String[]::new));
	}

	/**
	 * Wait until every partition of the topics has a leader, so that the first dispatch to a
	 * new topic meets a broker that knows it (a produce that races the leader election is
	 * answered NOT_LEADER_OR_FOLLOWER and retried).
	 */
	private void awaitLeaders(String[] topicNames) {
		long deadline = System.nanoTime() + LEADER_TIMEOUT.toNanos();
		while (true) {
			boolean ready;
			try {
				Map<String, TopicDescription> descriptions = this.admin.describeTopics(topicNames);
				ready = descriptions.size() == topicNames.length && descriptions.values()
					.stream()
					.flatMap((description) -> description.partitions().stream())
					.allMatch((partition) -> partition.leader() != null && !partition.leader().isEmpty());
			}
			catch (KafkaException ex) {
				// a topic just created may not be known to every broker yet
				ready = false;
			}
			if (ready) {
				return;
			}
			if (System.nanoTime() - deadline > 0) {
				logger.warn("Some task topic partitions still have no leader after " + LEADER_TIMEOUT);
				return;
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

}
