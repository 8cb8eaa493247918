package dev.kafkatask.actuate;

import java.time.Instant;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.kafkatask.kafka.worker.DelayForwarder;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Health of the delay forwarder, the consumer that moves delayed tasks (countdown, eta,
 * retries, rate-limited tasks) from the delay topics to their queues: DOWN while it keeps
 * failing — its last attempt failed and it is backing off before the next — since delayed
 * tasks may then not reach their queues; UP again once an attempt succeeds. The details say
 * how many attempts failed in a row, since when, and the last failure.
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
		SupervisedThread.Status status = this.forwarder.getStatus();
		Throwable failure = status.lastFailure();
		if (status.failing() && failure != null) {
			Instant since = status.failingSince();
			builder.withDetail("consecutiveFailures", status.consecutiveFailures());
			if (since != null) {
				builder.withDetail("failingSince", since.toString());
			}
			builder.down(failure);
		}
		else {
			builder.up();
		}
	}

}
