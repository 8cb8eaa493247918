package dev.kafkatask.actuate;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.kafkatask.kafka.listener.DelayForwarder;

/**
 * Health of the delay forwarder, the consumer that moves delayed tasks (countdown, eta,
 * retries, rate-limited tasks) from the delay topics to their queues: DOWN when its consumer
 * thread died, since no delayed task would run any more.
 *
 * @author kafka-task
 */
public class KafkaTaskDelaysHealthIndicator extends AbstractHealthIndicator {

	private final DelayForwarder forwarder;

	public KafkaTaskDelaysHealthIndicator(DelayForwarder forwarder) {
		super("Kafka task delay forwarder health check failed");
		this.forwarder = forwarder;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("group", this.forwarder.getGroupId()).withDetail("running", this.forwarder.isRunning());
		Throwable failure = this.forwarder.getFailure();
		if (failure != null) {
			builder.down(failure);
		}
		else {
			builder.up();
		}
	}

}
