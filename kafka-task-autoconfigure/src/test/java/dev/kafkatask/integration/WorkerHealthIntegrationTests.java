package dev.kafkatask.integration;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.MeterNotFoundException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.test.ConsumerGroupOnly;
import dev.kafkatask.test.KafkaTaskHealth;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's health and its stall detector, on a real broker.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class WorkerHealthIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@Test
	@ConsumerGroupOnly("partition assignments and the partition lag gauge")
	void whenTasksNeverFinishWhileLagGrowsThenHealthIsDownAndTheMeterSaysStalledUntilTheyDo() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1",
				"kafka-task.worker.max-in-flight=1", "kafka-task.worker.stall-timeout=1s",
				"kafka-task.metrics.refresh-interval=200ms")) {
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			TaskWorker container = app.getBean(TaskWorker.class);
			await().atMost(TIMEOUT).until(() -> !container.getAssignment().isEmpty());
			HealthIndicator health = KafkaTaskHealth.indicator(app, "worker");
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(stalled(meters)).isZero();
			assertThat(KafkaTaskHealth.indicator(app, "delays").health().getStatus()).isEqualTo(Status.UP);
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.block", "stall").get();
			for (int i = 0; i < 3; i++) {
				dispatcher.dispatch("it.count", i).get();
			}
			await().atMost(TIMEOUT).until(() -> health.health().getStatus().equals(Status.DOWN));
			Health down = health.health();
			assertThat((String) down.getDetails().get("reason")).startsWith("No task finished and no offset moved for")
				.contains("1 task(s) ran");
			assertThat(down.getDetails()).containsEntry("inFlight", 1);
			await().atMost(TIMEOUT).ignoreException(MeterNotFoundException.class).untilAsserted(() -> {
				assertThat(stalled(meters)).isEqualTo(1);
				assertThat(meters.get("kafka.task.partition.lag").tag("group", this.apps.groupId()).gauge().value())
					.isEqualTo(4);
			});
			this.apps.journal().release();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 4);
			await().atMost(TIMEOUT).until(() -> health.health().getStatus().equals(Status.UP));
			await().atMost(TIMEOUT).untilAsserted(() -> assertThat(stalled(meters)).isZero());
		}
	}

	private double stalled(MeterRegistry meters) {
		return meters.get("kafka.task.worker.stalled").tag("group", this.apps.groupId()).gauge().value();
	}

}
