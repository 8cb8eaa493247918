package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.ClassUtils;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Kafka-only service built as the README's quick start says: the starter, one task and
 * {@code spring.kafka.bootstrap-servers}, no RabbitMQ. It runs in a Failsafe execution of its
 * own ({@code kafka-only}) whose class path leaves out the AMQP jars the benchmarks module has
 * for its {@code rabbit-faults} scenario, so that its class path is the one a Kafka-only team
 * gets: no AMQP classes, no RabbitMQ beans, health UP, tasks run. Run anywhere else it fails on
 * its first assertion, as it should.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class KafkaOnlyApplicationIntegrationTests {

	@Test
	void whenTheStarterIsAddedWithoutAmqpThenTheServiceIsHealthyWithNoRabbitMqAtAll() throws Exception {
		assertThat(ClassUtils.isPresent("org.springframework.amqp.core.Message", null)).as("AMQP on the class path")
			.isFalse();
		assertThat(ClassUtils.isPresent("com.rabbitmq.client.Channel", null)).as("amqp-client on the class path")
			.isFalse();
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(KafkaOnlyApplication.class)
			.web(WebApplicationType.NONE)
			.properties("kafka-task.kafka.topic-prefix=kafka-only.", "kafka-task.worker.group-id=kafka-only",
					"management.endpoint.health.show-details=always")
			.run()) {
			assertThat(Arrays.stream(app.getBeanDefinitionNames())
				.map((name) -> app.getType(name))
				.filter((type) -> type != null && type.getPackageName().startsWith("dev.kafkatask.rabbit")))
				.as("RabbitMQ beans")
				.isEmpty();
			app.getBean(TaskDispatcher.class).dispatch("kafka-only.ping", 1).get();
			KafkaOnlyApplication tasks = app.getBean(KafkaOnlyApplication.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> tasks.runs.get() == 1);
			HealthEndpoint health = app.getBean(HealthEndpoint.class);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(health.health().getStatus()).isEqualTo(Status.UP));
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class KafkaOnlyApplication {

		final AtomicInteger runs = new AtomicInteger();

		@KafkaTask(name = "kafka-only.ping")
		public void ping(int value) {
			this.runs.incrementAndGet();
		}

	}

}
