package dev.kafkatask.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
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

	public TopicProvisioner(KafkaAdmin admin, TaskTopics topics, Optional<Integer> partitions,
			Optional<Short> replicationFactor) {
		this.admin = admin;
		this.topics = topics;
		this.partitions = partitions;
		this.replicationFactor = replicationFactor;
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
		this.admin.createOrModifyTopics(newTopics.toArray(NewTopic[]::new));
		awaitLeaders(newTopics.stream().map(NewTopic::name).toArray(String[]::new));
		logger.info("Task topics ready for queues " + queues);
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
