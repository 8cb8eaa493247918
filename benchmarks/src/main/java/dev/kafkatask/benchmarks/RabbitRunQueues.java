package dev.kafkatask.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

import dev.kafkatask.autoconfigure.KafkaTaskProperties;
import dev.kafkatask.rabbit.RabbitQueues;

/**
 * The RabbitMQ queues and exchanges of one {@code rabbit-faults} run, named after it, read and
 * deleted on a connection of their own straight to RabbitMQ (never through the scenario's
 * proxy): the ramped queue, its dead letters, a queue of parked tasks no one consumes, the
 * dead-letter exchange and the delay tiers.
 *
 * @author kafka-task
 */
final class RabbitRunQueues implements AutoCloseable {

	private final String queue;

	private final CachingConnectionFactory factory;

	private final RabbitAdmin admin;

	private final Rabbitmqctl rabbitmqctl;

	/**
	 * Create the run's queues; nothing is declared here (kafka-task does it).
	 * @param queue the ramped queue, named after the run
	 * @param options where RabbitMQ is
	 * @param rabbitmqctl reads the messages not acknowledged
	 */
	RabbitRunQueues(String queue, RabbitRampOptions options, Rabbitmqctl rabbitmqctl) {
		this.queue = queue;
		this.factory = new CachingConnectionFactory(options.host(), options.port());
		this.factory.setUsername(options.username());
		this.factory.setPassword(options.password());
		this.factory.setConnectionNameStrategy((factory) -> "kafka-task-rabbit-faults-admin");
		this.admin = new RabbitAdmin(this.factory);
		this.rabbitmqctl = rabbitmqctl;
	}

	String queue() {
		return this.queue;
	}

	/**
	 * Return the queue routed to RabbitMQ that no one consumes.
	 * @return the queue name
	 */
	String parked() {
		return this.queue + ".parked";
	}

	String deadLetterExchange() {
		return this.queue + ".dlx";
	}

	String delayPrefix() {
		return this.queue + ".delay";
	}

	/**
	 * Return the version of the RabbitMQ server.
	 * @return the version
	 * @throws IllegalStateException if RabbitMQ cannot be reached
	 */
	String serverVersion() {
		try {
			return String.valueOf(
					this.factory.createConnection().getDelegate().getServerProperties().get("version"));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("RabbitMQ cannot be reached at " + this.factory.getHost() + ":"
					+ this.factory.getPort() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return the consumers of the ramped queue.
	 * @return the count, {@code -1} if it cannot be read (RabbitMQ down, or no such queue)
	 */
	int consumers() {
		try {
			QueueInformation info = this.admin.getQueueInfo(this.queue);
			return (info != null) ? info.getConsumerCount() : -1;
		}
		catch (RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * Wait until the ramped queue has the given number of consumers.
	 * @param expected how many
	 * @param deadline until when ({@link System#nanoTime()})
	 * @return when (epoch ms), or {@code 0} if not before the deadline
	 */
	long awaitConsumers(int expected, long deadline) throws InterruptedException {
		while (System.nanoTime() - deadline < 0) {
			if (consumers() >= expected) {
				return System.currentTimeMillis();
			}
			Thread.sleep(250);
		}
		return 0;
	}

	/**
	 * Return the messages ready in a queue.
	 * @param queue the queue
	 * @return the count, or {@code null} if it cannot be read
	 */
	@Nullable Long messages(String queue) {
		try {
			QueueInformation info = this.admin.getQueueInfo(queue);
			return (info != null) ? info.getMessageCount() : null;
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Return what the ramped queue and its dead-letter queue hold: messages ready (AMQP),
	 * messages delivered and not acknowledged ({@code rabbitmqctl}, {@code null} where it
	 * cannot be read), consumers, and whether nothing is left ({@code settled}).
	 * @return the state
	 */
	Map<String, Object> state() {
		Map<String, Object> state = new LinkedHashMap<>();
		Long ready = null;
		Integer consumers = null;
		Long deadLetters = null;
		try {
			QueueInformation info = this.admin.getQueueInfo(this.queue);
			if (info != null) {
				ready = info.getMessageCount();
				consumers = info.getConsumerCount();
			}
			QueueInformation dlq = this.admin.getQueueInfo(RabbitQueues.deadLetterQueue(this.queue));
			deadLetters = (dlq != null) ? dlq.getMessageCount() : 0L;
		}
		catch (RuntimeException ex) {
			state.put("error", String.valueOf(ex));
		}
		Map<String, Long> counts = this.rabbitmqctl.queueCounts(this.queue);
		Long unacknowledged = (counts != null) ? counts.get("messages_unacknowledged") : null;
		state.put("ready", ready);
		state.put("unacknowledged", unacknowledged);
		state.put("consumers", consumers);
		state.put("deadLettered", deadLetters);
		state.put("settled", ready != null && ready == 0 && (unacknowledged == null || unacknowledged == 0)
				&& deadLetters != null && deadLetters == 0);
		return state;
	}

	/**
	 * Wait until the ramped queue has no message ready nor unacknowledged, then return its
	 * state.
	 * @param deadline until when ({@link System#nanoTime()})
	 * @return the state, settled or not
	 */
	Map<String, Object> awaitSettled(long deadline) throws InterruptedException {
		Map<String, Object> state = state();
		while (!Boolean.TRUE.equals(state.get("settled")) && System.nanoTime() - deadline < 0) {
			Thread.sleep(500);
			state = state();
		}
		return state;
	}

	/**
	 * Delete the run's queues and exchanges.
	 * @return what was deleted
	 * @throws RuntimeException if RabbitMQ cannot be reached
	 */
	List<String> delete() {
		List<String> deleted = new ArrayList<>();
		List<String> queues = new ArrayList<>(List.of(this.queue, RabbitQueues.deadLetterQueue(this.queue), parked()));
		queues.addAll(delayTiers());
		for (String name : queues) {
			if (this.admin.deleteQueue(name)) {
				deleted.add("queue " + name);
			}
		}
		List<String> exchanges = new ArrayList<>(List.of(deadLetterExchange()));
		exchanges.addAll(delayTiers());
		for (String name : exchanges) {
			if (this.admin.deleteExchange(name)) {
				deleted.add("exchange " + name);
			}
		}
		return deleted;
	}

	/**
	 * Return the names of the delay tiers, as kafka-task's {@code RabbitDelays} names them.
	 */
	private List<String> delayTiers() {
		return new KafkaTaskProperties().getRabbitmq()
			.getDelayTiers()
			.stream()
			.map((tier) -> delayPrefix() + "."
					+ ((tier.toMillis() % 1000 == 0) ? tier.toSeconds() + "s" : tier.toMillis() + "ms"))
			.toList();
	}

	@Override
	public void close() {
		this.factory.destroy();
	}

}
