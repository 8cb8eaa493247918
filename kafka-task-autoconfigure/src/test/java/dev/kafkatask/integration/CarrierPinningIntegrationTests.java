package dev.kafkatask.integration;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.execution.pinning.CarrierPinningDetector;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The carrier pinning detector on a real worker: a task that pins its carrier is counted,
 * one that does not is not. Alone in its JVM while it runs ({@link Isolated}): with other
 * tests beside it, {@code it.count} was once reported pinned past the 20 ms threshold (on a
 * loaded JVM any task can be held on its carrier that long, for example while it waits for
 * a class that another thread initialises).
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@Isolated("pinning is JVM-wide: another test's load can pin any task past the threshold")
class CarrierPinningIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenTaskPinsItsCarrierThenItIsCountedAgainstTheTask() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.pinning.enabled=true")) {
			CarrierPinningDetector detector = app.getBean(CarrierPinningDetector.class);
			await().atMost(TIMEOUT).until(detector::isRunning);
			app.getBean(TaskDispatcher.class).dispatch("it.pin").get();
			app.getBean(TaskDispatcher.class).dispatch("it.count", 1).get();
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(meters.find("kafka.task.carrier.pinned").tag("task", "it.pin").timer())
					.isNotNull()
					.satisfies((timer) -> assertThat(timer.count()).isEqualTo(1)));
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:1") == 1);
			assertThat(meters.find("kafka.task.carrier.pinned").tag("task", "it.count").timer()).isNull();
		}
	}

}
