package dev.kafkatask.actuate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.execution.PendingDeadLetter;
import dev.kafkatask.kafka.worker.StallDetector;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;

/**
 * Health of a Kafka worker: DOWN, with the reason, when its consumer thread died,
 * when a dead letter of its Kafka cluster cannot be written (the record's partition waits), when it has stalled
 * (work waiting, nothing finishing, offsets not moving) or when a partition's commit is frozen
 * behind a record that is not settled; UP with what it is doing otherwise.
 *
 * @author kafka-task
 */
public class KafkaTaskWorkerHealthIndicator extends AbstractHealthIndicator {

	private final TaskWorker worker;

	private final StallDetector stalls;

	private final @Nullable DeliveryHandler deliveries;

	private final String cluster;

	public KafkaTaskWorkerHealthIndicator(TaskWorker worker, StallDetector stalls) {
		this(worker, stalls, null);
	}

	/**
	 * Create an indicator of the worker of the default Kafka cluster.
	 * @param worker the worker
	 * @param stalls tells whether it stalled
	 * @param deliveries tells which dead letters could not be written, or {@code null}
	 */
	public KafkaTaskWorkerHealthIndicator(TaskWorker worker, StallDetector stalls,
			@Nullable DeliveryHandler deliveries) {
		this(worker, stalls, deliveries, Route.DEFAULT_CLUSTER);
	}

	/**
	 * Create an indicator of the worker of a Kafka cluster.
	 * @param worker the worker
	 * @param stalls tells whether it stalled
	 * @param deliveries tells which dead letters could not be written, or {@code null}
	 * @param cluster the worker's cluster: only its dead letters that could not be written
	 * count, those of the records it read
	 */
	public KafkaTaskWorkerHealthIndicator(TaskWorker worker, StallDetector stalls,
			@Nullable DeliveryHandler deliveries, String cluster) {
		super("Kafka task worker health check failed");
		this.worker = worker;
		this.stalls = stalls;
		this.deliveries = deliveries;
		this.cluster = cluster;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		StallDetector.Status status = this.stalls.check();
		builder.withDetail("group", this.worker.getSettings().groupId())
			.withDetail("running", this.worker.isConsuming())
			.withDetail("topics", this.worker.getTopics())
			.withDetail("assignedPartitions", this.worker.getAssignment().size())
			.withDetail("inFlight", status.inFlight())
			.withDetail("waiting", status.waiting())
			.withDetail("lag", status.lag())
			.withDetail("millisSinceProgress", status.sinceProgress().toMillis());
		List<PendingDeadLetter> pending = (this.deliveries != null) ? this.deliveries.pendingDeadLetters(Backend.KAFKA)
			.stream()
			.filter((letter) -> letter.cluster() == null || this.cluster.equals(letter.cluster()))
			.toList() : List.of();
		if (!status.frozenCommits().isEmpty()) {
			Map<String, Long> frozen = new TreeMap<>();
			status.frozenCommits().forEach((partition, offset) -> frozen.put(partition.toString(), offset));
			builder.withDetail("frozenCommits", frozen);
		}
		Throwable failure = this.worker.getFailure();
		if (failure != null) {
			builder.down(failure);
		}
		else if (!pending.isEmpty()) {
			builder.down()
				.withDetail("reason", pending.size() + " dead letter(s) could not be written; their partitions wait: "
						+ pending.get(0).delivery() + " (" + pending.get(0).reason() + "): " + pending.get(0).failure())
				.withDetail("pendingDeadLetters", PendingDeadLetters.describe(pending));
		}
		else if (status.stalled()) {
			builder.down().withDetail("reason", status.reason());
		}
		else {
			builder.up();
		}
	}

}
