package dev.kafkatask.kafka;

import java.util.concurrent.CompletionException;

import dev.kafkatask.codec.TaskEnvelope;

/**
 * A task could not be written to a named Kafka cluster (one of
 * {@code kafka-task.kafka.clusters}): the cluster is down, unknown to the network, refuses
 * the client, or did not answer in time. The cause is the producer's own failure.
 *
 * @author kafka-task
 */
public class ClusterSendException extends RuntimeException {

	private final String cluster;

	/**
	 * Create an exception.
	 * @param cluster the cluster's name
	 * @param envelope the task
	 * @param topic the topic it was written to
	 * @param failure the producer's failure
	 */
	public ClusterSendException(String cluster, TaskEnvelope envelope, String topic, Throwable failure) {
		super(message(cluster, envelope, topic, cause(failure)), cause(failure));
		this.cluster = cluster;
	}

	private static String message(String cluster, TaskEnvelope envelope, String topic, Throwable cause) {
		Throwable root = cause;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return "Kafka cluster '" + cluster + "' did not take task '" + envelope.task() + "' [" + envelope.id()
				+ "] for topic '" + topic + "': " + root;
	}

	private static Throwable cause(Throwable failure) {
		return (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause() : failure;
	}

	/**
	 * Return the name of the cluster that did not take the task.
	 * @return the cluster's name
	 */
	public String getCluster() {
		return this.cluster;
	}

}
