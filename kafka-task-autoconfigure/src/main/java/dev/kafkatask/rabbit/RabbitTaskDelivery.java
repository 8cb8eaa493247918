package dev.kafkatask.rabbit;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import com.rabbitmq.client.Channel;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.amqp.core.Message;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.OutboundTask;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.execution.TaskDelivery;
import dev.kafkatask.options.TaskOption;
import dev.kafkatask.routing.Backend;

/**
 * A Celery message of a RabbitMQ queue, with the RabbitMQ ways to settle it: dead letters
 * through the dead-letter exchange to {@code <queue>.dlq}, and copies that run later
 * republished to the queue with their eta, through the {@link RabbitDelays delay tiers}
 * when they are due more than {@link DeliveryHandler#WAIT_IN_PLACE} from now.
 *
 * @author kafka-task
 */
final class RabbitTaskDelivery implements TaskDelivery {

	private final Message message;

	private final CeleryTaskListener listener;

	private final Channel channel;

	RabbitTaskDelivery(Message message, CeleryTaskListener listener, Channel channel) {
		this.message = message;
		this.listener = listener;
		this.channel = channel;
	}

	@Override
	public boolean isOwned() {
		return this.channel.isOpen();
	}

	@Override
	public String queue() {
		return this.listener.queue();
	}

	@Override
	public Backend backend() {
		return Backend.RABBITMQ;
	}

	@Override
	public String describe() {
		return "message " + this.message.getMessageProperties().getDeliveryTag() + " of RabbitMQ queue '"
				+ this.listener.queue() + "'";
	}

	@Override
	public TaskEnvelope decode() {
		return this.listener.codec().decode(this.message);
	}

	@Override
	public void deadLetter(DeadLetter letter) throws Exception {
		TaskEnvelope envelope = letter.envelope();
		Message deadLetter = (envelope != null) ? this.listener.codec().encode(envelope) : this.message;
		this.listener.deadLetters().publish(deadLetter, queue(), letter.reason(), letter.cause(), letter.attempts());
	}

	@Override
	public void publishLater(TaskEnvelope envelope, Instant due) throws Exception {
		TaskEnvelope later = envelope.withOption(TaskOption.ETA.celeryName(),
				JsonNodeFactory.instance.stringNode(due.toString()));
		RabbitDelays delays = this.listener.delays();
		if (delays != null && Duration.between(Instant.now(), due).compareTo(DeliveryHandler.WAIT_IN_PLACE) > 0) {
			delays.publish(this.listener.codec().encode(later), queue(), due);
			return;
		}
		try {
			this.listener.transport().send(new OutboundTask(later, queue(), null)).get(2, TimeUnit.MINUTES);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof Exception cause) ? cause : ex;
		}
	}

}
