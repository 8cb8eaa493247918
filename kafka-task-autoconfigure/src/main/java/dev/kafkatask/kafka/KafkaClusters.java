package dev.kafkatask.kafka;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.util.Assert;

import dev.kafkatask.routing.Route;

/**
 * The Kafka clusters that tasks can be routed to besides the default one
 * ({@value Route#DEFAULT_CLUSTER}), each with its own producer and the configuration of its
 * admin clients. The producers connect on their first send and are closed with this object.
 *
 * @author kafka-task
 */
public class KafkaClusters implements DisposableBean {

	private final Map<String, Cluster> clusters = new LinkedHashMap<>();

	/**
	 * Create the clusters.
	 * @param clusters the clusters, none named {@value Route#DEFAULT_CLUSTER}
	 */
	public KafkaClusters(List<Cluster> clusters) {
		for (Cluster cluster : clusters) {
			Assert.isTrue(!Route.DEFAULT_CLUSTER.equals(cluster.name()),
					() -> "'" + Route.DEFAULT_CLUSTER + "' is the name of the default cluster");
			Assert.state(this.clusters.put(cluster.name(), cluster) == null,
					() -> "Two Kafka clusters named '" + cluster.name() + "'");
		}
	}

	/**
	 * Return the names of the clusters.
	 * @return the names, in the order given
	 */
	public Set<String> names() {
		return this.clusters.keySet();
	}

	/**
	 * Return the clusters.
	 * @return the clusters, in the order given
	 */
	public Collection<Cluster> all() {
		return this.clusters.values();
	}

	/**
	 * Return a cluster by name.
	 * @param name the name
	 * @return the cluster, or {@code null} when there is none of that name
	 */
	public @Nullable Cluster get(String name) {
		return this.clusters.get(name);
	}

	@Override
	public void destroy() {
		this.clusters.values().forEach((cluster) -> cluster.producer().destroy());
	}

	/**
	 * One Kafka cluster.
	 *
	 * @param name its name
	 * @param producer the producer that writes tasks to it
	 * @param adminConfiguration the configuration of admin clients of it (topic provisioning,
	 * health)
	 */
	public record Cluster(String name, KafkaTaskProducer producer, Map<String, Object> adminConfiguration) {

		public Cluster {
			Assert.hasText(name, "'name' must not be empty");
			adminConfiguration = Map.copyOf(adminConfiguration);
		}

	}

}
