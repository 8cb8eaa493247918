package dev.kafkatask.actuate;

import java.util.List;
import java.util.Locale;

import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.execution.PendingDeadLetter;
import dev.kafkatask.rabbit.RabbitQueueConsumer;

/**
 * Health of the consumer of one RabbitMQ queue: DOWN, with the reason, when kafka-task means
 * it to consume (running or draining) but its listener container is not running or has no
 * active consumers, for example after the connection was lost or the container was stopped
 * behind kafka-task's back; UP otherwise. A consumer paused or stopped on purpose is UP, its
 * state in the details.
 *
 * @author kafka-task
 */
public class RabbitQueueConsumerHealthIndicator extends AbstractHealthIndicator {

	private final RabbitQueueConsumer consumer;

	/**
	 * Create an indicator.
	 * @param consumer the consumer of the queue
	 */
	public RabbitQueueConsumerHealthIndicator(RabbitQueueConsumer consumer) {
		super("kafka-task RabbitMQ consumer health check failed");
		this.consumer = consumer;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ConsumerState state = this.consumer.state();
		SimpleMessageListenerContainer container = this.consumer.container();
		boolean containerRunning = container.isRunning();
		int activeConsumers = container.getActiveConsumerCount();
		builder.withDetail("state", state.name().toLowerCase(Locale.ROOT))
			.withDetail("inFlight", this.consumer.inFlight())
			.withDetail("activeConsumers", activeConsumers);
		boolean consuming = state == ConsumerState.RUNNING || state == ConsumerState.DRAINING;
		List<PendingDeadLetter> pending = this.consumer.pendingDeadLetters();
		if (!pending.isEmpty()) {
			builder.down()
				.withDetail("reason", pending.size() + " dead letter(s) of queue '" + this.consumer.queue()
						+ "' could not be written; their messages wait unacknowledged: " + pending.get(0).failure())
				.withDetail("pendingDeadLetters", PendingDeadLetters.describe(pending));
		}
		else if (consuming && !containerRunning) {
			builder.down()
				.withDetail("reason", "The consumer of queue '" + this.consumer.queue() + "' is "
						+ state.name().toLowerCase(Locale.ROOT) + " but its listener container is not running");
		}
		else if (consuming && activeConsumers == 0) {
			builder.down()
				.withDetail("reason", "The consumer of queue '" + this.consumer.queue() + "' is "
						+ state.name().toLowerCase(Locale.ROOT)
						+ " but its listener container has no active consumers (is RabbitMQ reachable?)");
		}
		else {
			builder.up();
		}
	}

}
