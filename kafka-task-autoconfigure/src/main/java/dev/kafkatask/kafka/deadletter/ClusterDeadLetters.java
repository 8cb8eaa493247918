package dev.kafkatask.kafka.deadletter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.kafkatask.routing.Route;

/**
 * The dead letters of the Kafka leg on each Kafka cluster: the default one's
 * ({@value Route#DEFAULT_CLUSTER}) and those of {@code kafka-task.kafka.clusters}. A record is
 * dead-lettered on the cluster it was read from, and its dead letter is listed and redriven
 * there: to that cluster's topic of the queue, never to another cluster's.
 *
 * @author kafka-task
 */
public class ClusterDeadLetters {

	private final Map<String, DeadLetters> byCluster = new LinkedHashMap<>();

	/**
	 * Create the dead letters of each cluster.
	 * @param defaultCluster the dead letters of the default cluster
	 * @param others the dead letters of the other clusters, by cluster name, none named
	 * {@value Route#DEFAULT_CLUSTER}
	 */
	public ClusterDeadLetters(DeadLetters defaultCluster, Map<String, DeadLetters> others) {
		this.byCluster.put(Route.DEFAULT_CLUSTER, defaultCluster);
		others.forEach((name, deadLetters) -> {
			Assert.isTrue(!Route.DEFAULT_CLUSTER.equals(name),
					() -> "'" + Route.DEFAULT_CLUSTER + "' is the name of the default cluster");
			this.byCluster.put(name, deadLetters);
		});
	}

	/**
	 * Return the names of the clusters.
	 * @return the names, {@value Route#DEFAULT_CLUSTER} first
	 */
	public Set<String> names() {
		return Collections.unmodifiableSet(this.byCluster.keySet());
	}

	/**
	 * Return the dead letters of a cluster.
	 * @param cluster the cluster's name, or {@code null} for the default cluster
	 * @return its dead letters
	 * @throws IllegalArgumentException if there is no cluster of that name, saying which
	 * there are
	 */
	public DeadLetters get(@Nullable String cluster) {
		String name = (cluster == null || cluster.isBlank()) ? Route.DEFAULT_CLUSTER : cluster;
		DeadLetters deadLetters = this.byCluster.get(name);
		if (deadLetters == null) {
			String shown = (name.length() > 50) ? name.substring(0, 50) + "…" : name;
			throw new IllegalArgumentException("Unknown Kafka cluster '" + shown.replaceAll("\\p{Cntrl}", "?")
					+ "': " + String.join(", ", this.byCluster.keySet()) + " (kafka-task.kafka.clusters)");
		}
		return deadLetters;
	}

}
