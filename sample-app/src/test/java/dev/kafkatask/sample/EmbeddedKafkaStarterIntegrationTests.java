package dev.kafkatask.sample;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests that the sample application runs on its own in-process broker when no cluster is
 * configured.
 *
 * @author kafka-task
 */
class EmbeddedKafkaStarterIntegrationTests {

	@Test
	void whenNoClusterIsConfiguredThenTheAppRunsTasksOnItsOwnBroker() {
		try (ConfigurableApplicationContext app = new SpringApplicationBuilder(SampleApplication.class)
			.web(WebApplicationType.NONE)
			.properties("sample.embedded-kafka.mode=always",
					"kafka-task.worker.group-id=embedded-starter-test")
			.run()) {
			EmbeddedKafkaKraftBroker broker = app.getBean(EmbeddedKafkaKraftBroker.class);
			assertThat(app.getEnvironment().getProperty("spring.kafka.bootstrap-servers"))
				.isEqualTo(broker.getBrokersAsString());
			app.getBean(LedgerClient.class).record("embedded", 250).join();
			LedgerTasks ledger = app.getBean(LedgerTasks.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> ledger.totals().getOrDefault("embedded", 0L) == 250);
		}
	}

}
