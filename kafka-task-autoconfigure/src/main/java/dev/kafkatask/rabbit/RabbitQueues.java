package dev.kafkatask.rabbit;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.AmqpConnectException;
import org.springframework.amqp.AmqpException;
import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.FanoutExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueBuilder;
import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * Declares the RabbitMQ queues tasks travel through, once each: durable, not exclusive, not
 * auto-deleted and without arguments, exactly as Celery declares its queues, so that a
 * Celery worker and kafka-task can declare the same queue without a conflict. Dead letters
 * go to a durable direct exchange and, by the name of the queue they came from, to
 * {@code <queue>.dlq}.
 * <p>
 * Everything asked for is remembered and declared again whenever the connection comes up,
 * so that the application starts, and consumes once RabbitMQ is back, while RabbitMQ is
 * down: register this class as a connection listener of the factory its admin uses.
 *
 * @author kafka-task
 */
public class RabbitQueues implements ConnectionListener {

	private static final Log logger = LogFactory.getLog(RabbitQueues.class);

	private final AmqpAdmin admin;

	private final String deadLetterExchange;

	private final boolean declare;

	private final Set<String> queues = ConcurrentHashMap.newKeySet();

	private final Set<String> deadLetterQueues = ConcurrentHashMap.newKeySet();

	private final Map<String, Duration> delayTiers = new ConcurrentHashMap<>();

	private final Set<String> declared = ConcurrentHashMap.newKeySet();

	private volatile BooleanSupplier connected = () -> true;

	private final ThreadLocal<Boolean> connecting = new ThreadLocal<>();

	/**
	 * Create a declarer.
	 * @param admin the admin to declare with
	 * @param deadLetterExchange the dead-letter exchange
	 * @param declare whether to declare at all (when {@code false} the task queues, the
	 * dead-letter exchange and queues and the delay tiers must exist)
	 */
	public RabbitQueues(AmqpAdmin admin, String deadLetterExchange, boolean declare) {
		this.admin = admin;
		this.deadLetterExchange = deadLetterExchange;
		this.declare = declare;
	}

	/**
	 * Declare a task queue, unless it was declared already. While RabbitMQ is down it is
	 * declared when the connection comes up.
	 * @param queue the queue name
	 */
	public void declare(String queue) {
		if (this.declare) {
			this.queues.add(queue);
			declare("queue:" + queue, () -> this.admin.declareQueue(new Queue(queue, true, false, false)));
		}
	}

	/**
	 * Declare the dead-letter exchange and the dead-letter queue of a task queue, unless
	 * they were declared already. While RabbitMQ is down they are declared when the
	 * connection comes up.
	 * @param queue the task queue
	 */
	public void declareDeadLetters(String queue) {
		if (!this.declare) {
			return;
		}
		this.deadLetterQueues.add(queue);
		declare("dlq:" + queue, () -> {
			DirectExchange exchange = new DirectExchange(this.deadLetterExchange, true, false);
			Queue deadLetters = new Queue(deadLetterQueue(queue), true, false, false);
			this.admin.declareExchange(exchange);
			this.admin.declareQueue(deadLetters);
			this.admin.declareBinding(BindingBuilder.bind(deadLetters).to(exchange).with(queue));
		});
	}

	/**
	 * Declare a delay tier: a fanout exchange and a queue of the same name whose messages
	 * live the tier's time and are then dead-lettered through the default exchange, by their
	 * routing key, back to the queue it names.
	 * @param name the name of the exchange and the queue
	 * @param ttl how long each message lives in it
	 */
	public void declareDelayTier(String name, Duration ttl) {
		if (!this.declare) {
			return;
		}
		this.delayTiers.put(name, ttl);
		declare("delay:" + name, () -> {
			FanoutExchange exchange = new FanoutExchange(name, true, false);
			Queue queue = QueueBuilder.durable(name).ttl((int) ttl.toMillis()).deadLetterExchange("").build();
			this.admin.declareExchange(exchange);
			this.admin.declareQueue(queue);
			this.admin.declareBinding(BindingBuilder.bind(queue).to(exchange));
		});
	}

	/**
	 * Declare everything asked for so far: the connection is (back) up.
	 */
	public void declareAll() {
		this.queues.forEach(this::declare);
		this.deadLetterQueues.forEach(this::declareDeadLetters);
		this.delayTiers.forEach(this::declareDelayTier);
	}

	@Override
	public void onCreate(Connection connection) {
		// The connection is up, whatever other listeners have been told yet.
		this.declared.clear();
		this.connecting.set(Boolean.TRUE);
		try {
			declareAll();
		}
		finally {
			this.connecting.remove();
		}
	}

	@Override
	public void onClose(Connection connection) {
		this.declared.clear();
	}

	/**
	 * Set what tells whether the connection is up: while it is not, declarations wait for
	 * it rather than each trying to connect (and waiting out a connection timeout).
	 * @param connected whether the connection is up
	 */
	public void setConnected(BooleanSupplier connected) {
		this.connected = connected;
	}

	private void declare(String what, Runnable declaration) {
		if (this.declared.contains(what) || (this.connecting.get() == null && !this.connected.getAsBoolean())) {
			return;
		}
		try {
			declaration.run();
			this.declared.add(what);
		}
		catch (AmqpConnectException ex) {
			// RabbitMQ is down: declared when the connection comes up
			logger.debug("Could not declare " + what + " now; it is declared when RabbitMQ is reachable: " + ex);
		}
		catch (AmqpException ex) {
			// It exists with other arguments (406 PRECONDITION_FAILED, e.g. declared by Celery
			// with x-max-priority), or declaring it is not allowed: trying on every publish
			// would only churn channels. It is used as it is, and said once.
			this.declared.add(what);
			logger.warn("Could not declare " + what + "; it is used as it is: " + ex.getMessage());
		}
	}

	/**
	 * Return the dead-letter exchange.
	 * @return the exchange name
	 */
	public String deadLetterExchange() {
		return this.deadLetterExchange;
	}

	/**
	 * Return the dead-letter queue of a task queue.
	 * @param queue the task queue
	 * @return {@code <queue>.dlq}
	 */
	public static String deadLetterQueue(String queue) {
		return queue + ".dlq";
	}

	/**
	 * Return how many messages wait in a queue, not counting those delivered and not yet
	 * acknowledged.
	 * @param queue the queue
	 * @return the count, or {@code -1} if the queue does not exist
	 */
	public long depth(String queue) {
		QueueInformation info = this.admin.getQueueInfo(queue);
		return (info != null) ? info.getMessageCount() : -1;
	}

}
