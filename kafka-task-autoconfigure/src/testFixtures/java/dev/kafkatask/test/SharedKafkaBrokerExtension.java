package dev.kafkatask.test;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the shared broker and publishes its address; see {@link SharedKafkaBroker}.
 *
 * @author kafka-task
 */
public class SharedKafkaBrokerExtension implements BeforeAllCallback {

	/**
	 * System property that carries the broker address to Spring Boot.
	 */
	public static final String BOOTSTRAP_SERVERS_PROPERTY = "spring.kafka.bootstrap-servers";

	@Override
	public void beforeAll(ExtensionContext context) {
		System.setProperty(BOOTSTRAP_SERVERS_PROPERTY, TestKafka.bootstrapServers());
	}

}
