package dev.kafkatask.integration;

import java.util.List;

import org.springframework.amqp.core.QueueInformation;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

import dev.kafkatask.test.TestRabbit;

/**
 * The RabbitMQ queues of one test, on the shared RabbitMQ ({@link TestRabbit}): a connection
 * to look at them and publish to them, and, on {@link #close()}, the queues and their
 * dead-letter queues deleted.
 *
 * @author kafka-task
 */
final class RabbitTestQueues implements AutoCloseable {

	private final CachingConnectionFactory connectionFactory = TestRabbit.connectionFactory();

	private final RabbitAdmin admin = new RabbitAdmin(this.connectionFactory);

	private final List<String> queues;

	RabbitTestQueues(String... queues) {
		this.queues = List.of(queues);
	}

	CachingConnectionFactory connectionFactory() {
		return this.connectionFactory;
	}

	RabbitAdmin admin() {
		return this.admin;
	}

	RabbitTemplate template() {
		return new RabbitTemplate(this.connectionFactory);
	}

	/**
	 * Return how many messages are ready in a queue.
	 * @param queue the queue
	 * @return the count, {@code -1} if there is no such queue
	 */
	long depth(String queue) {
		QueueInformation info = this.admin.getQueueInfo(queue);
		return (info != null) ? info.getMessageCount() : -1;
	}

	@Override
	public void close() {
		for (String queue : this.queues) {
			this.admin.deleteQueue(queue);
			this.admin.deleteQueue(queue + ".dlq");
		}
		this.connectionFactory.destroy();
	}

}
