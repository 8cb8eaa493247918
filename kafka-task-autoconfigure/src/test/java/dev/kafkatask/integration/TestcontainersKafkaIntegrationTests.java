package dev.kafkatask.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the task path on a Kafka broker in a container, when a Docker engine is available;
 * skipped otherwise. The same path is covered on the in-process broker by
 * {@link KafkaTaskIntegrationTests}.
 *
 * @author kafka-task
 */
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersKafkaIntegrationTests {

	private static KafkaContainer kafka;

	@BeforeAll
	static void startKafka() {
		kafka = new KafkaContainer(TestKafka.KAFKA_IMAGE);
		kafka.start();
	}

	@AfterAll
	static void stopKafka() {
		if (kafka != null) {
			kafka.stop();
		}
	}

	@Test
	void whenTaskIsDispatchedThenWorkerOnContainerBrokerRunsIt() throws Exception {
		TaskApplications apps = new TaskApplications();
		try (ConfigurableApplicationContext app = apps
			.start("spring.kafka.bootstrap-servers=" + kafka.getBootstrapServers())) {
			app.getBean(TaskDispatcher.class)
				.dispatch("it.echo", List.of("container", 1), Map.of("tags", List.of(), "extra", Map.of()),
						TaskOptions.none())
				.get();
			await().atMost(Duration.ofSeconds(60))
				.until(() -> apps.journal().runs("echo:container:1:[]:{}") == 1);
			assertThat(apps.journal().distinctRuns()).isEqualTo(1);
		}
	}

}
