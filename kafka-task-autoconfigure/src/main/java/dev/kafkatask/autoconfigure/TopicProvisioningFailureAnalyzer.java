package dev.kafkatask.autoconfigure;

import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.kafkatask.kafka.TopicProvisioningException;

/**
 * Explains a startup that failed because kafka-task could not create the topics of its
 * queues, and what to do about it.
 *
 * @author kafka-task
 */
class TopicProvisioningFailureAnalyzer extends AbstractFailureAnalyzer<TopicProvisioningException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, TopicProvisioningException cause) {
		Throwable root = root(cause);
		String description = "kafka-task could not create the topics of its queues (" + cause.getTopics().size()
				+ " topics, such as " + cause.getTopics().get(0) + ") on the Kafka cluster at "
				+ cause.getBootstrapServers() + ": " + root;
		String action;
		if (findCause(cause, InvalidReplicationFactorException.class) != null) {
			action = "Set kafka-task.kafka.replication-factor to at most the number of brokers of the cluster, "
					+ "or leave it unset for the brokers' default.";
		}
		else if (findCause(cause, TopicAuthorizationException.class) != null) {
			action = "Grant this application's Kafka principal the right to create and describe these topics, "
					+ "or create them beforehand and set kafka-task.kafka.create-topics=false.";
		}
		else {
			action = "Check that Kafka is running and reachable at spring.kafka.bootstrap-servers ("
					+ cause.getBootstrapServers() + "). If the topics are created by other means, set "
					+ "kafka-task.kafka.create-topics=false.";
		}
		return new FailureAnalysis(description, action, cause);
	}

	private static Throwable root(Throwable failure) {
		Throwable current = failure;
		while (current.getCause() != null && current.getCause() != current) {
			current = current.getCause();
		}
		return current;
	}

}
