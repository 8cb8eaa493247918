package dev.kafkatask.autoconfigure;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.RoutingRules;

/**
 * Checks the Kafka clusters of {@code kafka-task.kafka.clusters} and the routes that name
 * them, failing with the name of the property that is wrong: a cluster named like the
 * {@value Route#DEFAULT_CLUSTER} one, a cluster without bootstrap servers, a route or ramp
 * naming a cluster that is not configured or naming one for RabbitMQ.
 *
 * @author kafka-task
 */
final class KafkaClusterNames {

	private static final String CLUSTERS = "kafka-task.kafka.clusters";

	private static final Pattern VALID_NAME = Pattern.compile("[A-Za-z0-9._-]+");

	private KafkaClusterNames() {
	}

	/**
	 * Return the names of the Kafka clusters routes may name, {@value Route#DEFAULT_CLUSTER}
	 * included.
	 * @param kafka the Kafka properties
	 * @return the names
	 * @throws InvalidConfigurationPropertyValueException if a cluster is not valid
	 */
	static Set<String> of(KafkaTaskProperties.Kafka kafka) {
		Set<String> names = new TreeSet<>();
		names.add(Route.DEFAULT_CLUSTER);
		Map<String, String> byLowerCase = new HashMap<>();
		kafka.getClusters().forEach((name, cluster) -> {
			if (!VALID_NAME.matcher(name).matches()) {
				throw new InvalidConfigurationPropertyValueException(CLUSTERS + ".[" + name + "]", name,
						"A Kafka cluster's name is made of letters, digits, '.', '_' and '-' (it ends client ids"
								+ " and thread names)");
			}
			String other = byLowerCase.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
			if (other != null) {
				throw new InvalidConfigurationPropertyValueException(CLUSTERS + "." + name, name,
						"Kafka clusters '" + other + "' and '" + name + "' differ only in case: give them one name");
			}
			if (name.trim().toLowerCase(Locale.ROOT).equals(Route.DEFAULT_CLUSTER)) {
				throw new InvalidConfigurationPropertyValueException(CLUSTERS + "." + name, name,
						"'" + Route.DEFAULT_CLUSTER + "' is the name of the 'spring.kafka.*' cluster: choose another");
			}
			if (cluster.getBootstrapServers().stream().noneMatch((server) -> !server.isBlank())) {
				throw new InvalidConfigurationPropertyValueException(CLUSTERS + "." + name + ".bootstrap-servers", "",
						"Kafka cluster '" + name + "' needs its bootstrap servers");
			}
			names.add(name);
		});
		return Collections.unmodifiableSet(names);
	}

	/**
	 * Return the routing rules that properties describe, once every cluster they name is
	 * known.
	 * @param routing the routing properties
	 * @param clusters the known clusters
	 * @return the rules
	 * @throws InvalidConfigurationPropertyValueException if a rule names an unknown cluster,
	 * or a cluster for RabbitMQ
	 */
	static RoutingRules rules(KafkaTaskProperties.Routing routing, Set<String> clusters) {
		check("kafka-task.routing.queues.", routing.getQueues(), clusters, routing.getDefaultBackend());
		check("kafka-task.routing.tasks.", routing.getTasks(), clusters, routing.getDefaultBackend());
		return routing.toRules();
	}

	/**
	 * Return the named clusters, besides {@value Route#DEFAULT_CLUSTER}, that the worker
	 * consumes its queues from.
	 * @param worker the worker properties
	 * @param clusters the known clusters
	 * @return the named clusters, in the order given
	 * @throws InvalidConfigurationPropertyValueException if a cluster is not known, or
	 * {@value Route#DEFAULT_CLUSTER} is left out
	 */
	static List<String> consumed(KafkaTaskProperties.Worker worker, Set<String> clusters) {
		String property = "kafka-task.worker.clusters";
		List<String> names = worker.getClusters().stream().map(String::trim).distinct().toList();
		String value = String.join(",", worker.getClusters());
		if (!names.contains(Route.DEFAULT_CLUSTER)) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"The worker always consumes the '" + Route.DEFAULT_CLUSTER
							+ "' cluster: name it too, and stop its queues through the endpoint instead");
		}
		names.forEach((name) -> check(property, name, clusters));
		return names.stream().filter((name) -> !Route.DEFAULT_CLUSTER.equals(name)).toList();
	}

	private static void check(String prefix, Map<String, KafkaTaskProperties.RouteRule> rules, Set<String> clusters,
			Backend defaultBackend) {
		rules.forEach((name, rule) -> {
			String property = prefix + (name.contains(".") ? "[" + name + "]" : name);
			check(property + ".cluster", rule.getCluster(), clusters);
			check(property + ".ramp.cluster", rule.getRamp().getCluster(), clusters);
			try {
				rule.toRoute(defaultBackend);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(property, name, ex.getMessage());
			}
		});
	}

	private static void check(String property, @Nullable String cluster, Set<String> clusters) {
		if (cluster != null && !clusters.contains(cluster.trim())) {
			throw new InvalidConfigurationPropertyValueException(property, cluster,
					"No Kafka cluster '" + cluster + "' under " + CLUSTERS + "; known: " + clusters);
		}
	}

}
