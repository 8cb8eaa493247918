package dev.kafkatask.actuate;

import java.util.Comparator;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;

import dev.kafkatask.rabbit.RabbitQueueConsumer;
import dev.kafkatask.rabbit.RabbitTaskConsumers;

/**
 * Health of kafka-task's RabbitMQ consumers, one {@link RabbitQueueConsumerHealthIndicator}
 * per queue, named after the queue. The queues are looked up at each call, so that consumers
 * created at runtime show up.
 *
 * @author kafka-task
 */
public class KafkaTaskRabbitConsumersHealthContributor implements CompositeHealthContributor {

	private final RabbitTaskConsumers consumers;

	/**
	 * Create a contributor.
	 * @param consumers the RabbitMQ consumers
	 */
	public KafkaTaskRabbitConsumersHealthContributor(RabbitTaskConsumers consumers) {
		this.consumers = consumers;
	}

	@Override
	public @Nullable HealthContributor getContributor(String name) {
		return consumers().filter((consumer) -> consumer.queue().equals(name))
			.findFirst()
			.map(RabbitQueueConsumerHealthIndicator::new)
			.orElse(null);
	}

	@Override
	public Stream<HealthContributors.Entry> stream() {
		return consumers().sorted(Comparator.comparing(RabbitQueueConsumer::queue))
			.map((consumer) -> new HealthContributors.Entry(consumer.queue(),
					new RabbitQueueConsumerHealthIndicator(consumer)));
	}

	private Stream<RabbitQueueConsumer> consumers() {
		return this.consumers.consumers().stream();
	}

}
