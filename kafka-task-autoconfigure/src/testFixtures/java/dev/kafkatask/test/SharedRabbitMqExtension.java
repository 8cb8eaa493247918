package dev.kafkatask.test;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Finds the shared RabbitMQ and publishes its address; see {@link SharedRabbitMq}.
 *
 * @author kafka-task
 */
public class SharedRabbitMqExtension implements BeforeAllCallback {

	@Override
	public void beforeAll(ExtensionContext context) {
		TestRabbit.assumeAvailable(context.getDisplayName());
		System.setProperty("spring.rabbitmq.host", TestRabbit.host());
		System.setProperty("spring.rabbitmq.port", Integer.toString(TestRabbit.port()));
		System.setProperty("spring.rabbitmq.username", TestRabbit.username());
		System.setProperty("spring.rabbitmq.password", TestRabbit.password());
	}

}
