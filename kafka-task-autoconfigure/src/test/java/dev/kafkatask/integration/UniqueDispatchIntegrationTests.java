package dev.kafkatask.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskAlreadyQueuedException;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.kafka.FinishedTaskLog;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Unique dispatches (celery-once) decided through the topic of claims, on the real broker,
 * by two application instances: one dispatch per key and window is enqueued, whichever
 * instance makes it; an instance started later knows the keys held before it; a key is free
 * again after its window, or at once when the dispatch that held it failed.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class UniqueDispatchIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenTwoInstancesDispatchTheSameKeyAtOnceThenExactlyOneIsEnqueued() throws Exception {
		try (ConfigurableApplicationContext first = this.apps.start("kafka-task.kafka.partitions=1");
				ConfigurableApplicationContext second = this.apps.start("kafka-task.kafka.partitions=1",
						"kafka-task.worker.enabled=false")) {
			List<CompletableFuture<DispatchReceipt>> dispatches = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				ConfigurableApplicationContext app = (i % 2 == 0) ? first : second;
				dispatches.add(app.getBean(TaskDispatcher.class).dispatch("it.count", List.of(100 + i), Map.of(),
						TaskOptions.none().withUnique("report:7", Duration.ofMinutes(1))));
			}
			List<DispatchReceipt> enqueued = new ArrayList<>();
			List<String> holders = new ArrayList<>();
			for (CompletableFuture<DispatchReceipt> dispatch : dispatches) {
				Throwable failure = dispatch.handle((receipt, ex) -> {
					if (receipt != null) {
						enqueued.add(receipt);
					}
					return ex;
				}).get();
				if (failure != null) {
					assertThat(failure).isInstanceOf(TaskAlreadyQueuedException.class);
					holders.add(((TaskAlreadyQueuedException) failure).getHolder().taskId());
				}
			}
			assertThat(enqueued).hasSize(1);
			assertThat(holders).hasSize(9).containsOnly(enqueued.get(0).taskId());
			int index = 100 + dispatches.indexOf(dispatches.stream().filter((d) -> !d.isCompletedExceptionally())
				.findFirst().orElseThrow());
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:" + index) == 1);
			for (int i = 100; i < 110; i++) {
				assertThat(this.apps.journal().runs("count:" + i)).isEqualTo((i == index) ? 1 : 0);
			}
		}
	}

	@Test
	void whenAnInstanceStartsAfterAKeyWasTakenThenItRefusesTheKeyToo() throws Exception {
		try (ConfigurableApplicationContext first = this.apps.start("kafka-task.kafka.partitions=1")) {
			DispatchReceipt held = first.getBean(TaskDispatcher.class)
				.dispatch("it.count", List.of(1), Map.of(), TaskOptions.none().withUnique("nightly", Duration.ofMinutes(1)))
				.get();
			try (ConfigurableApplicationContext later = this.apps.start("kafka-task.kafka.partitions=1",
					"kafka-task.worker.enabled=false")) {
				Throwable failure = later.getBean(TaskDispatcher.class)
					.dispatch("it.count", List.of(2), Map.of(),
							TaskOptions.none().withUnique("nightly", Duration.ofMinutes(1)))
					.handle((receipt, ex) -> ex)
					.get();
				assertThat(failure).isInstanceOf(TaskAlreadyQueuedException.class)
					.hasMessageContaining("nightly")
					.hasMessageContaining(held.taskId());
				// another key is another matter
				later.getBean(TaskDispatcher.class)
					.dispatch("it.count", List.of(3), Map.of(), TaskOptions.none().withUnique("weekly", Duration.ofMinutes(1)))
					.get();
			}
		}
	}

	@Test
	void whenACopyOfATrackedTaskThatSucceededComesAgainThenNoInstanceRunsIt() throws Exception {
		TaskOptions tracked = TaskOptions.none().withTaskId("once-1").withHeader(FinishedTasks.HEADER, "true");
		try (ConfigurableApplicationContext first = this.apps.start("kafka-task.kafka.partitions=1")) {
			first.getBean(TaskDispatcher.class).dispatch("it.count", List.of(41), Map.of(), tracked).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:41") == 1);
			// beyond the commit metadata's reach: another record of the same id
			first.getBean(TaskDispatcher.class).dispatch("it.count", List.of(41), Map.of(), tracked).get();
			TopicPartition partition = new TopicPartition(this.apps.topic("default"), 0);
			await().atMost(TIMEOUT)
				.until(() -> this.apps.unsettled(partition) == 0);
			assertThat(first.getBean(FinishedTaskLog.class).size()).isEqualTo(1);
		}
		try (ConfigurableApplicationContext later = this.apps.start("kafka-task.kafka.partitions=1")) {
			// an instance started later reads the id, and skips a third copy
			later.getBean(TaskDispatcher.class).dispatch("it.count", List.of(41), Map.of(), tracked).get();
			later.getBean(TaskDispatcher.class)
				.dispatch("it.count", List.of(42), Map.of(), TaskOptions.none().withTaskId("once-2")
					.withHeader(FinishedTasks.HEADER, "true"))
				.get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:42") == 1);
			TopicPartition partition = new TopicPartition(this.apps.topic("default"), 0);
			await().atMost(TIMEOUT)
				.until(() -> this.apps.unsettled(partition) == 0);
		}
		assertThat(this.apps.journal().runs("count:41")).isEqualTo(1);
	}

	@Test
	void whenTheWindowHasPassedOrTheHolderFailedThenTheKeyIsFreeAgain() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1",
				"kafka-task.routing.queues.[nowhere].backend=rabbitmq", "kafka-task.rabbitmq.enabled=false")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.count", List.of(4), Map.of(), TaskOptions.none().withUnique("short", Duration.ofSeconds(2)))
				.get();
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> dispatcher
				.dispatch("it.count", List.of(5), Map.of(), TaskOptions.none().withUnique("short", Duration.ofSeconds(2)))
				.handle((receipt, ex) -> receipt != null)
				.get());
			// routed to a backend this application has not: the dispatch fails after winning the key
			Throwable failure = dispatcher
				.dispatch("it.count", List.of(6), Map.of(),
						TaskOptions.none().withQueue("nowhere").withUnique("released", Duration.ofMinutes(10)))
				.handle((receipt, ex) -> ex)
				.get();
			assertThat(failure).isNotNull().isNotInstanceOf(TaskAlreadyQueuedException.class);
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(250)).until(() -> dispatcher
				.dispatch("it.count", List.of(7), Map.of(), TaskOptions.none().withUnique("released", Duration.ofMinutes(10)))
				.handle((receipt, ex) -> receipt != null)
				.get());
		}
	}

}
