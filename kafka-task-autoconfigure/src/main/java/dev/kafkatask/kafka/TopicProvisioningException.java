package dev.kafkatask.kafka;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when the topics of kafka-task's queues could not be created at startup.
 *
 * @author kafka-task
 */
public class TopicProvisioningException extends RuntimeException {

	private final List<String> topics;

	private final @Nullable Object bootstrapServers;

	/**
	 * Create an exception.
	 * @param topics the topics that were to be created
	 * @param bootstrapServers the cluster they were to be created on
	 * @param cause why they were not
	 */
	public TopicProvisioningException(List<String> topics, @Nullable Object bootstrapServers, Throwable cause) {
		super("Could not create the task topics " + topics + " on the Kafka cluster at " + bootstrapServers, cause);
		this.topics = List.copyOf(topics);
		this.bootstrapServers = bootstrapServers;
	}

	/**
	 * Return the topics that were to be created.
	 * @return the topic names
	 */
	public List<String> getTopics() {
		return this.topics;
	}

	/**
	 * Return the bootstrap servers of the cluster they were to be created on.
	 * @return the bootstrap servers, as configured
	 */
	public @Nullable Object getBootstrapServers() {
		return this.bootstrapServers;
	}

}
