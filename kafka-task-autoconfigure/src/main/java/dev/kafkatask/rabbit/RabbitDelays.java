package dev.kafkatask.rabbit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.util.Assert;

/**
 * Delays on RabbitMQ without a plugin, the way the Kafka leg's delay tiers work: one queue
 * per tier ({@code <prefix>.<n>s}, by default 1 s, 5 s, 30 s, 2 min, 10 min and 1 h) whose
 * messages all live exactly the tier's time ({@code x-message-ttl}) and are then
 * dead-lettered through the default exchange by the routing key they were published with:
 * the name of the queue they go back to. Each tier queue is fed by a fanout exchange of the
 * same name, so any routing key reaches it. A message due later than the largest tier hops
 * through it again; one due within the shortest tier waits it out. Within a tier every
 * message lives the same time, so they expire in the order they came: none waits behind
 * another.
 * <p>
 * So a task that is not due (an eta ahead, a retry, a rate-limit slot) waits in RabbitMQ,
 * not on a consumer's thread holding it unacknowledged past RabbitMQ's
 * {@code consumer_timeout}.
 *
 * @author kafka-task
 */
public class RabbitDelays {

	private final RabbitTemplate template;

	private final RabbitQueues queues;

	private final String prefix;

	private final List<Duration> tiers;

	private final Clock clock;

	/**
	 * Create the delays.
	 * @param template the template, mandatory, on a factory with correlated confirms
	 * @param queues declares the tier queues
	 * @param prefix the name prefix of the tier exchanges and queues
	 * @param tiers the tiers, at least one of at least 100 ms
	 * @param clock the clock
	 */
	public RabbitDelays(RabbitTemplate template, RabbitQueues queues, String prefix, List<Duration> tiers,
			Clock clock) {
		Assert.notEmpty(tiers, "'tiers' must not be empty");
		List<Duration> sorted = new ArrayList<>(tiers);
		sorted.sort(null);
		Assert.isTrue(sorted.get(0).toMillis() >= 100, "The shortest delay tier must be at least 100 ms");
		this.template = template;
		this.queues = queues;
		this.prefix = prefix;
		this.tiers = List.copyOf(sorted);
		this.clock = clock;
	}

	/**
	 * Publish a message that goes back to a queue when it is due, and wait for RabbitMQ's
	 * confirm. It goes back after the largest tier not longer than what remains of its delay
	 * (or the shortest tier), so it may come back before it is due: its consumer sends it on
	 * again, or waits out the last second.
	 * @param message the message
	 * @param queue the queue it goes back to
	 * @param due when it is due
	 * @throws RabbitPublishException if RabbitMQ did not take it
	 * @throws InterruptedException if interrupted while waiting for the confirm
	 */
	public void publish(Message message, String queue, Instant due) throws InterruptedException {
		Duration tier = tierFor(Duration.between(this.clock.instant(), due));
		String name = name(tier);
		this.queues.declareDelayTier(name, tier);
		ConfirmedPublish.publish(this.template, name, queue, message, "a delayed message of queue '" + queue + "'");
	}

	/**
	 * Return the tier a delay waits in next.
	 * @param remaining what remains of the delay
	 * @return the tier
	 */
	Duration tierFor(Duration remaining) {
		Duration chosen = this.tiers.get(0);
		for (Duration tier : this.tiers) {
			if (tier.compareTo(remaining) <= 0) {
				chosen = tier;
			}
		}
		return chosen;
	}

	/**
	 * Return the name of a tier's exchange and queue.
	 * @param tier the tier
	 * @return {@code <prefix>.<seconds>s}, or {@code <prefix>.<millis>ms}
	 */
	String name(Duration tier) {
		return this.prefix + "." + ((tier.toMillis() % 1000 == 0) ? tier.toSeconds() + "s" : tier.toMillis() + "ms");
	}

	/**
	 * Return the tiers.
	 * @return the tiers, shortest first
	 */
	public List<Duration> tiers() {
		return this.tiers;
	}

}
