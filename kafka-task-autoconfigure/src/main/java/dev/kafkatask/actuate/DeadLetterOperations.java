package dev.kafkatask.actuate;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import dev.kafkatask.kafka.deadletter.BackendDeadLetters;
import dev.kafkatask.kafka.deadletter.DeadLetterFilter;
import dev.kafkatask.kafka.deadletter.DeadLetterList;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.routing.Backend;

/**
 * The endpoint's reads and writes of dead letters: picks the dead letters of the backend
 * asked for (Kafka's unless another is named), reads the filter from the request, and turns
 * what is refused into a 400 that says why.
 *
 * @author kafka-task
 */
final class DeadLetterOperations {

	private static final int DEFAULT_LIMIT = 100;

	private final Map<Backend, BackendDeadLetters> byBackend = new EnumMap<>(Backend.class);

	/**
	 * Take the dead letters of a backend, in place of any taken before for it.
	 * @param deadLetters the dead letters
	 */
	void add(BackendDeadLetters deadLetters) {
		this.byBackend.put(deadLetters.backend(), deadLetters);
	}

	/**
	 * Return the backends whose dead letters can be listed and redriven.
	 * @return their ids, {@code kafka} first
	 */
	List<String> backends() {
		return this.byBackend.keySet().stream().map(Backend::id).toList();
	}

	DeadLetterList list(String queue, @Nullable String backend, @Nullable String reason, @Nullable String task,
			@Nullable String taskId, @Nullable String from, @Nullable String to, @Nullable Integer limit) {
		BackendDeadLetters deadLetters = of(backend);
		try {
			return deadLetters.list(queue, DeadLetterFilter.parse(reason, task, taskId, from, to),
					(limit != null) ? limit : DEFAULT_LIMIT);
		}
		catch (IllegalArgumentException ex) {
			throw refused(ex.getMessage());
		}
	}

	RedriveResult redrive(String queue, @Nullable String backend, @Nullable String reason, @Nullable String task,
			@Nullable String taskId, @Nullable String from, @Nullable String to, boolean dryRun) {
		BackendDeadLetters deadLetters = of(backend);
		try {
			return deadLetters.redrive(queue, DeadLetterFilter.parse(reason, task, taskId, from, to), dryRun);
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
			String shown = (backend.length() > 50) ? backend.substring(0, 50) + "…" : backend;
			throw refused("Unknown backend '" + shown.replaceAll("\\p{Cntrl}", "?") + "': kafka or rabbitmq");
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

	private static InvalidEndpointRequestException refused(@Nullable String message) {
		String reason = String.valueOf(message);
		return new InvalidEndpointRequestException(reason, reason);
	}

}
