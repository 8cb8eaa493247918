package dev.kafkatask.actuate;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.kafkatask.kafka.listener.StallDetector;
import dev.kafkatask.kafka.listener.TaskListenerContainer;

/**
 * Health of a Kafka worker container: DOWN when its consumer thread died or when it has
 * stalled (work waiting, nothing finishing, offsets not moving), with the reason; UP with what
 * it is doing otherwise.
 *
 * @author kafka-task
 */
public class KafkaTaskWorkerHealthIndicator extends AbstractHealthIndicator {

	private final TaskListenerContainer container;

	private final StallDetector stalls;

	public KafkaTaskWorkerHealthIndicator(TaskListenerContainer container, StallDetector stalls) {
		super("Kafka task worker health check failed");
		this.container = container;
		this.stalls = stalls;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		StallDetector.Status status = this.stalls.check();
		builder.withDetail("group", this.container.getSettings().groupId())
			.withDetail("running", this.container.isRunning())
			.withDetail("topics", this.container.getTopics())
			.withDetail("assignedPartitions", this.container.getAssignment().size())
			.withDetail("inFlight", status.inFlight())
			.withDetail("waiting", status.waiting())
			.withDetail("lag", status.lag())
			.withDetail("millisSinceProgress", status.sinceProgress().toMillis());
		Throwable failure = this.container.getFailure();
		if (failure != null) {
			builder.down(failure);
		}
		else if (status.stalled()) {
			builder.down().withDetail("reason", status.reason());
		}
		else {
			builder.up();
		}
	}

}
