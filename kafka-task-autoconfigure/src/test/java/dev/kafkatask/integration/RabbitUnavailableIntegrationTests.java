package dev.kafkatask.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.BackendUnavailableException;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.KafkaTaskHealth;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.SharedRabbitMq;
import dev.kafkatask.test.TestRabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * An application with routes to RabbitMQ starts while RabbitMQ is unreachable (a closed
 * port, then a proxy that opens): its Kafka leg works, dispatches to RabbitMQ fail at once
 * naming their route or go to Kafka by their policy, and the RabbitMQ leg recovers by itself
 * when RabbitMQ appears.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@SharedRabbitMq
class RabbitUnavailableIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	private final String queue = this.apps.prefix() + "celery";

	private final String fallbackQueue = this.apps.prefix() + "migrating";

	@Test
	void whenRabbitIsDownAtStartThenTheAppStartsKafkaWorksAndTheRabbitLegRecoversWhenItAppears() throws Exception {
		try (TcpProxy proxy = new TcpProxy(TestRabbit.host(), TestRabbit.port())) {
			proxy.cut();
			try (ConfigurableApplicationContext app = this.apps.start(
					"kafka-task.routing.queues.[" + this.queue + "].backend=rabbitmq",
					"kafka-task.routing.queues.[" + this.fallbackQueue + "].backend=rabbitmq",
					"kafka-task.routing.queues.[" + this.fallbackQueue + "].on-unavailable=kafka",
					"kafka-task.rabbitmq.queues=" + this.queue, "kafka-task.worker.queues=default," + this.fallbackQueue,
					"kafka-task.rabbitmq.probe-interval=200ms", "spring.rabbitmq.host=127.0.0.1",
					"spring.rabbitmq.port=" + proxy.port())) {
				TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
				dispatcher.dispatch("it.count", 1).get();
				await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:1") == 1);

				long start = System.nanoTime();
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> dispatcher.dispatch("it.count", List.of(2), Map.of(),
							TaskOptions.none().withQueue(this.queue)).get())
					.havingCause()
					.isInstanceOf(BackendUnavailableException.class)
					.withMessageContaining("routed to rabbitmq by rule 'queue:" + this.queue + "' (on-unavailable: fail)");
				assertThat(Duration.ofNanos(System.nanoTime() - start)).as("fails fast").isLessThan(Duration.ofSeconds(2));

				DispatchReceipt fallback = dispatcher
					.dispatch("it.count", List.of(3), Map.of(), TaskOptions.none().withQueue(this.fallbackQueue))
					.get();
				assertThat(fallback.backend()).isEqualTo(Backend.KAFKA);
				await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:3") == 1);
				MeterRegistry meters = app.getBean(MeterRegistry.class);
				assertThat(meters.get("kafka.task.routing.decisions")
					.tags("queue", this.fallbackQueue, "backend", "kafka", "rule", "queue:" + this.fallbackQueue + "+unavailable")
					.counter()
					.count()).isEqualTo(1);
				assertThat(health(app, "rabbit")).isEqualTo(Status.DOWN);

				proxy.restore();
				await().atMost(TIMEOUT).until(() -> health(app, "rabbit").equals(Status.UP));
				await().atMost(TIMEOUT).ignoreExceptions().untilAsserted(() -> assertThat(dispatcher
					.dispatch("it.count", List.of(4), Map.of(), TaskOptions.none().withQueue(this.queue))
					.get()
					.backend()).isEqualTo(Backend.RABBITMQ));
				await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:4") >= 1);
				assertThat(dispatcher.dispatch("it.count", List.of(5), Map.of(),
						TaskOptions.none().withQueue(this.fallbackQueue)).get().backend())
					.as("back on its route once RabbitMQ is up")
					.isEqualTo(Backend.RABBITMQ);
			}
		}
	}

	private static Status health(ConfigurableApplicationContext app, String name) {
		return KafkaTaskHealth.indicator(app, name).health()
			.getStatus();
	}

}
