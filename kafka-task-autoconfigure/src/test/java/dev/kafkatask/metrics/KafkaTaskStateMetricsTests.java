package dev.kafkatask.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.kafkatask.consumer.ConsumerSource;
import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.routing.Backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link KafkaTaskStateMetrics}.
 *
 * @author kafka-task
 */
class KafkaTaskStateMetricsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final FlakySource source = new FlakySource();

	private final KafkaTaskMetrics events = new KafkaTaskMetrics(TaskOwners.none());

	private final KafkaTaskStateMetrics metrics = new KafkaTaskStateMetrics(new TaskConsumers(List.of(this.source)),
			TaskOwners.none(), null, Duration.ofMillis(50), this.events);

	@AfterEach
	void destroy() {
		this.metrics.destroy();
	}

	@Test
	void whenASourceThrowsAnErrorThenTheMetersAreStillRefreshedAfterwards() {
		this.source.failWith(new NoClassDefFoundError("gone"), 1);
		this.events.bindTo(this.registry);
		this.metrics.bindTo(this.registry);
		await().atMost(Duration.ofSeconds(10)).until(() -> queueDepth() == 42);
		assertThat(backgroundFailures()).isEqualTo(1);
	}

	@Test
	void whenASourceKeepsThrowingThenEachFailureIsCountedAndRefreshesResumeOnceItRecovers() {
		this.source.failWith(new IllegalStateException("RabbitMQ gone"), 3);
		this.events.bindTo(this.registry);
		this.metrics.bindTo(this.registry);
		await().atMost(Duration.ofSeconds(10)).until(() -> queueDepth() == 42);
		assertThat(backgroundFailures()).isEqualTo(3);
	}

	@Test
	void whenDestroyedThenTheStateMetersAreRemoved() {
		this.metrics.bindTo(this.registry);
		await().atMost(Duration.ofSeconds(10)).until(() -> queueDepth() == 42);
		this.metrics.destroy();
		assertThat(this.registry.find("kafka.task.rabbitmq.queue.depth").gauges()).isEmpty();
	}

	private double backgroundFailures() {
		return this.registry.get("kafka.task.background.failures").tag("thread", "state-meters").counter().count();
	}

	private double queueDepth() {
		Gauge gauge = this.registry.find("kafka.task.rabbitmq.queue.depth").tag("queue", "orders").gauge();
		return (gauge != null) ? gauge.value() : Double.NaN;
	}

	static final class FlakySource implements ConsumerSource {

		private final AtomicInteger failures = new AtomicInteger();

		private volatile Throwable failure = new IllegalStateException();

		void failWith(Throwable failure, int times) {
			this.failure = failure;
			this.failures.set(times);
		}

		@Override
		public Backend backend() {
			return Backend.RABBITMQ;
		}

		@Override
		public List<? extends TaskConsumer> consumers() {
			if (this.failures.getAndDecrement() > 0) {
				if (this.failure instanceof Error error) {
					throw error;
				}
				throw (RuntimeException) this.failure;
			}
			return List.of(consumer("orders"));
		}

		@Override
		public TaskConsumer consumer(String queue) {
			return new TaskConsumer() {

				@Override
				public Backend backend() {
					return Backend.RABBITMQ;
				}

				@Override
				public String queue() {
					return queue;
				}

				@Override
				public ConsumerState state() {
					return ConsumerState.RUNNING;
				}

				@Override
				public int inFlight() {
					return 0;
				}

				@Override
				public long backlog() {
					return 42;
				}

				@Override
				public void start() {
				}

				@Override
				public void pause() {
				}

				@Override
				public void drain() {
				}

				@Override
				public void stop() {
				}

			};
		}

	}

}
