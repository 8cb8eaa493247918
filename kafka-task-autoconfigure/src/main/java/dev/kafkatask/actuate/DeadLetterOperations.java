package dev.kafkatask.actuate;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import dev.kafkatask.kafka.deadletter.BackendDeadLetters;
import dev.kafkatask.kafka.deadletter.ClusterDeadLetters;
import dev.kafkatask.kafka.deadletter.DeadLetterFilter;
import dev.kafkatask.kafka.deadletter.DeadLetterList;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;

/**
 * The endpoint's reads and writes of dead letters: picks the dead letters of the backend
 * asked for (Kafka's unless another is named) and, on Kafka, of the cluster asked for (the
 * default one unless another is named), reads the filter from the request, and turns what is
 * refused into a 400 that says why.
 *
 * @author kafka-task
 */
final class DeadLetterOperations {

	private static final int DEFAULT_LIMIT = 100;

	private final Map<Backend, BackendDeadLetters> byBackend = new EnumMap<>(Backend.class);

	private @Nullable ClusterDeadLetters kafkaClusters;

	/**
	 * Take the dead letters of a backend, in place of any taken before for it.
	 * @param deadLetters the dead letters
	 */
	void add(BackendDeadLetters deadLetters) {
		this.byBackend.put(deadLetters.backend(), deadLetters);
	}

	/**
	 * Take the Kafka leg's dead letters on each Kafka cluster, for requests that name a
	 * cluster other than the default one.
	 * @param clusters the dead letters by cluster
	 */
	void setKafkaClusters(ClusterDeadLetters clusters) {
		this.kafkaClusters = clusters;
	}

	/**
	 * Return the backends whose dead letters can be listed and redriven.
	 * @return their ids, {@code kafka} first
	 */
	List<String> backends() {
		return this.byBackend.keySet().stream().map(Backend::id).toList();
	}

	/**
	 * Return the Kafka clusters whose dead letters can be listed and redriven.
	 * @return their names, {@code default} first; none without the Kafka leg
	 */
	List<String> kafkaClusters() {
		if (!this.byBackend.containsKey(Backend.KAFKA)) {
			return List.of();
		}
		ClusterDeadLetters clusters = this.kafkaClusters;
		return (clusters != null) ? List.copyOf(clusters.names()) : List.of(Route.DEFAULT_CLUSTER);
	}

	DeadLetterList list(String queue, @Nullable String backend, @Nullable String cluster, @Nullable String reason,
			@Nullable String task, @Nullable String taskId, @Nullable String from, @Nullable String to,
			@Nullable Integer limit) {
		BackendDeadLetters deadLetters = of(backend, cluster);
		try {
			return deadLetters.list(queue, DeadLetterFilter.parse(reason, task, taskId, from, to),
					(limit != null) ? limit : DEFAULT_LIMIT);
		}
		catch (IllegalArgumentException ex) {
			throw refused(ex.getMessage());
		}
	}

	RedriveResult redrive(String queue, @Nullable String backend, @Nullable String cluster, @Nullable String reason,
			@Nullable String task, @Nullable String taskId, @Nullable String from, @Nullable String to,
			boolean dryRun) {
		BackendDeadLetters deadLetters = of(backend, cluster);
		try {
			return deadLetters.redrive(queue, DeadLetterFilter.parse(reason, task, taskId, from, to), dryRun);
		}
		catch (IllegalArgumentException ex) {
			throw refused(ex.getMessage());
		}
	}

	private BackendDeadLetters of(@Nullable String backend, @Nullable String cluster) {
		BackendDeadLetters deadLetters = of(backend);
		if (cluster == null || cluster.isBlank()) {
			return deadLetters;
		}
		if (deadLetters.backend() != Backend.KAFKA) {
			throw refused("'cluster' names a Kafka cluster: the dead letters of " + deadLetters.backend().id()
					+ " are on none (leave it out)");
		}
		if (Route.DEFAULT_CLUSTER.equals(cluster)) {
			return deadLetters;
		}
		ClusterDeadLetters clusters = this.kafkaClusters;
		try {
			if (clusters == null) {
				throw new IllegalArgumentException("Unknown Kafka cluster '" + printable(cluster) + "': "
						+ Route.DEFAULT_CLUSTER + " (kafka-task.kafka.clusters)");
			}
			return clusters.get(cluster);
		}
		catch (IllegalArgumentException ex) {
			throw refused(ex.getMessage());
		}
	}

	private BackendDeadLetters of(@Nullable String backend) {
		Backend chosen;
		try {
			chosen = (backend == null || backend.isBlank()) ? Backend.KAFKA : Backend.of(backend);
		}
		catch (IllegalArgumentException ex) {
			throw refused("Unknown backend '" + printable(backend) + "': kafka or rabbitmq");
		}
		BackendDeadLetters deadLetters = this.byBackend.get(chosen);
		if (deadLetters == null) {
			throw refused((chosen == Backend.KAFKA)
					? "Dead letters are read from Kafka: this application has no Kafka leg (ask for "
							+ "backend=rabbitmq for the RabbitMQ leg's)"
					: "Dead letters of RabbitMQ: this application has no RabbitMQ leg (spring-rabbit on the class "
							+ "path, kafka-task.rabbitmq.enabled)");
		}
		return deadLetters;
	}

	private static String printable(String text) {
		String shown = (text.length() > 50) ? text.substring(0, 50) + "…" : text;
		return shown.replaceAll("\\p{Cntrl}", "?");
	}

	private static InvalidEndpointRequestException refused(@Nullable String message) {
		String reason = String.valueOf(message);
		return new InvalidEndpointRequestException(reason, reason);
	}

}
