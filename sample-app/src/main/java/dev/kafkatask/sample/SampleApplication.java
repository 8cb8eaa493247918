package dev.kafkatask.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A service whose asynchronous work runs as kafka-task tasks. Without
 * {@code spring.kafka.bootstrap-servers} it starts an in-process Kafka broker (see
 * {@link EmbeddedKafkaStarter}).
 *
 * @author kafka-task
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
