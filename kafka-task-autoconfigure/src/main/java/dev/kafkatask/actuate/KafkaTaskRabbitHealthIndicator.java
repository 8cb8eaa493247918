package dev.kafkatask.actuate;

import org.jspecify.annotations.Nullable;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of kafka-task's RabbitMQ leg, over kafka-task's own connection factory: UP with the
 * server's version when a channel opens, DOWN with the exception when it does not. Like
 * Spring Boot's {@code RabbitHealthIndicator}, which checks the application's connection
 * factory instead.
 *
 * @author kafka-task
 */
public class KafkaTaskRabbitHealthIndicator extends AbstractHealthIndicator {

	private final RabbitTemplate template;

	/**
	 * Create an indicator.
	 * @param connectionFactory kafka-task's connection factory
	 */
	public KafkaTaskRabbitHealthIndicator(ConnectionFactory connectionFactory) {
		super("kafka-task RabbitMQ health check failed");
		this.template = new RabbitTemplate(connectionFactory);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		String version = version();
		builder.up();
		if (version != null) {
			builder.withDetail("version", version);
		}
	}

	private @Nullable String version() {
		return this.template.execute((channel) -> {
			Object version = channel.getConnection().getServerProperties().get("version");
			return (version != null) ? version.toString() : null;
		});
	}

}
