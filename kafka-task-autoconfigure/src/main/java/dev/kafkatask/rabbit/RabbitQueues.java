package dev.kafkatask.rabbit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.Binding;
import org.springframework.amqp.core.BindingBuilder;
import org.springframework.amqp.core.DirectExchange;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.core.QueueInformation;

/**
 * Declares the RabbitMQ queues tasks travel through, once each: durable, not exclusive, not
 * auto-deleted and without arguments, exactly as Celery declares its queues, so that a
 * Celery worker and kafka-task can declare the same queue without a conflict. Dead letters
 * go to a durable direct exchange and, by the name of the queue they came from, to
 * {@code <queue>.dlq}.
 *
 * @author kafka-task
 */
public class RabbitQueues {

	private final AmqpAdmin admin;

	private final String deadLetterExchange;

	private final boolean declare;

	private final Set<String> declared = ConcurrentHashMap.newKeySet();

	private final Set<String> deadLettersDeclared = ConcurrentHashMap.newKeySet();

	/**
	 * Create a declarer.
	 * @param admin the admin to declare with
	 * @param deadLetterExchange the dead-letter exchange
	 * @param declare whether to declare at all (when {@code false} the queues must exist)
	 */
	public RabbitQueues(AmqpAdmin admin, String deadLetterExchange, boolean declare) {
		this.admin = admin;
		this.deadLetterExchange = deadLetterExchange;
		this.declare = declare;
	}

	/**
	 * Declare a task queue, unless it was declared already.
	 * @param queue the queue name
	 */
	public void declare(String queue) {
		if (this.declare && !this.declared.contains(queue)) {
			this.admin.declareQueue(new Queue(queue, true, false, false));
			this.declared.add(queue);
		}
	}

	/**
	 * Declare the dead-letter exchange and the dead-letter queue of a task queue, unless
	 * they were declared already.
	 * @param queue the task queue
	 */
	public void declareDeadLetters(String queue) {
		if (this.declare && !this.deadLettersDeclared.contains(queue)) {
			DirectExchange exchange = new DirectExchange(this.deadLetterExchange, true, false);
			Queue deadLetters = new Queue(deadLetterQueue(queue), true, false, false);
			this.admin.declareExchange(exchange);
			this.admin.declareQueue(deadLetters);
			Binding binding = BindingBuilder.bind(deadLetters).to(exchange).with(queue);
			this.admin.declareBinding(binding);
			this.deadLettersDeclared.add(queue);
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
