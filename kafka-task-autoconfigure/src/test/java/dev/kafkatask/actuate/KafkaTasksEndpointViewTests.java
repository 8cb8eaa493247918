package dev.kafkatask.actuate;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import dev.kafkatask.consumer.ConsumerSource;
import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.monitor.TaskActivity;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.monitor.TaskResults;
import dev.kafkatask.monitor.TaskState;
import dev.kafkatask.options.OptionWhitelist;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.options.UnsupportedOptionPolicy;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.RoutingRules;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.TaskRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of the endpoint's {@code tasks} and {@code activity} views, which the task page
 * polls: their limits, what they show, and what they refuse.
 *
 * @author kafka-task
 */
class KafkaTasksEndpointViewTests {

	private static final Instant T = Instant.parse("2026-12-02T14:00:00Z");

	private final Results results = new Results();

	private final KafkaTasksEndpoint endpoint = endpoint();

	@Test
	void whenTasksAreAskedForThenTheLatestFiftyAreListedNewestFirstWithoutHistoryAndWithTextsCut() {
		for (int i = 0; i < 60; i++) {
			this.results.states.addFirst(state("t-" + i, TaskEventType.SUCCEEDED, "x".repeat(300), null));
		}
		Object view = this.endpoint.view("tasks", null);
		assertThat(view).isInstanceOfSatisfying(KafkaTasksEndpoint.LatestTasksDescriptor.class, (latest) -> {
			assertThat(latest.tasks()).hasSize(50);
			KafkaTasksEndpoint.TaskSummaryDescriptor newest = latest.tasks().get(0);
			assertThat(newest.id()).isEqualTo("t-59");
			assertThat(newest.state()).isEqualTo("succeeded");
			assertThat(newest.result()).hasSize(201).endsWith("…");
			assertThat(newest.error()).isNull();
		});
		assertThat(this.endpoint.latest(500).tasks()).hasSize(60);
		assertThat(this.endpoint.latest(1).tasks()).singleElement()
			.satisfies((task) -> assertThat(task.id()).isEqualTo("t-59"));
	}

	@Test
	void whenTheLimitIsOutOfRangeThenTasksAreRefusedSayingWhy() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.view("tasks", 0))
			.withMessage("'limit' must be between 1 and 500: 0");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.view("tasks", 501))
			.withMessage("'limit' must be between 1 and 500: 501");
		assertThat(this.results.asked).as("no read for a refused limit").isEmpty();
	}

	@Test
	void whenAnUnknownViewIsAskedForThenItIsRefusedWithoutEchoingControlCharacters() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.view("jobs\n<b>", null))
			.withMessage("Unknown 'jobs?<b>': ask for tasks or activity");
	}

	@Test
	void whenActivityIsAskedForThenItHasTheCountsRatesWorkersAndThisInstancesConsumers() {
		this.results.activity = new TaskActivity(T, Duration.ofMinutes(1),
				List.of(new TaskActivity.TaskCounts("add",
						Map.of(TaskEventType.SUCCEEDED, 90L, TaskEventType.FAILED, 20L, TaskEventType.DEAD_LETTERED, 10L,
								TaskEventType.RETRIED, 5L))),
				List.of(new TaskActivity.Instance("2@worker", T, List.of("default"), true, 120, 0)));
		Object view = this.endpoint.view("activity", null);
		assertThat(view).isInstanceOfSatisfying(KafkaTasksEndpoint.ActivityDescriptor.class, (activity) -> {
			assertThat(activity.at()).isEqualTo(T);
			assertThat(activity.windowSeconds()).isEqualTo(60);
			assertThat(activity.instance()).contains("@");
			assertThat(activity.tasks()).singleElement().satisfies((add) -> {
				assertThat(add.events()).containsEntry("succeeded", 90L).containsEntry("dead-lettered", 10L);
				assertThat(add.done()).isEqualTo(120);
				assertThat(add.failures()).isEqualTo(30);
				assertThat(add.perSecond()).isEqualTo(2.0);
			});
			assertThat(activity.workers()).singleElement()
				.isEqualTo(new KafkaTasksEndpoint.InstanceDescriptor("2@worker", T, List.of("default"), true, 120, 0));
			assertThat(activity.consumers()).containsExactly(
					new KafkaTasksEndpoint.ConsumerLoadDescriptor("kafka", "default", "running", 7));
		});
	}

	@Test
	void whenTaskEventsAreOffThenTheViewsSaySo() {
		KafkaTasksEndpoint withoutEvents = new KafkaTasksEndpoint(new TaskRegistry(),
				new TaskRouter(RoutingRules.allTo(Backend.KAFKA)), new TaskConsumers(List.of()),
				() -> RoutingRules.allTo(Backend.KAFKA), options(), TaskOwners.none(), "default", (queue) -> true);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> withoutEvents.view("tasks", null))
			.withMessageContaining("kafka-task.events.enabled=false");
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> withoutEvents.view("activity", null))
			.withMessageContaining("kafka-task.events.enabled=false");
	}

	private KafkaTasksEndpoint endpoint() {
		KafkaTasksEndpoint endpoint = new KafkaTasksEndpoint(new TaskRegistry(),
				new TaskRouter(RoutingRules.allTo(Backend.KAFKA)), new TaskConsumers(List.of(new Source())),
				() -> RoutingRules.allTo(Backend.KAFKA), options(), TaskOwners.none(), "default", (queue) -> true);
		endpoint.setTaskResults(this.results);
		return endpoint;
	}

	private static TaskOptionResolver options() {
		return new TaskOptionResolver(OptionWhitelist.standard(), UnsupportedOptionPolicy.REJECT, Map.of(),
				(task) -> Map.of());
	}

	private static TaskState state(String id, TaskEventType type, String result, String error) {
		return new TaskState(id, "add", type, "default", "kafka", "2@worker", T, 1, result, error, null, List.of(), null);
	}

	/**
	 * Task results of a list, newest first.
	 */
	private static final class Results implements TaskResults {

		private final List<TaskState> states = new ArrayList<>();

		private final List<Integer> asked = new ArrayList<>();

		private TaskActivity activity = TaskActivity.none(T);

		@Override
		public Optional<TaskState> state(String taskId) {
			return this.states.stream().filter((state) -> state.taskId().equals(taskId)).findFirst();
		}

		@Override
		public CompletableFuture<TaskState> result(String taskId, Duration timeout) {
			return new CompletableFuture<>();
		}

		@Override
		public List<TaskState> latest(int limit) {
			this.asked.add(limit);
			return this.states.stream().limit(limit).toList();
		}

		@Override
		public TaskActivity activity() {
			return this.activity;
		}

	}

	/**
	 * One Kafka consumer of queue {@code default}, running 7 tasks.
	 */
	private static final class Source implements ConsumerSource {

		private final TaskConsumer consumer = new TaskConsumer() {

			@Override
			public Backend backend() {
				return Backend.KAFKA;
			}

			@Override
			public String queue() {
				return "default";
			}

			@Override
			public ConsumerState state() {
				return ConsumerState.RUNNING;
			}

			@Override
			public int inFlight() {
				return 7;
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

		@Override
		public Backend backend() {
			return Backend.KAFKA;
		}

		@Override
		public List<? extends TaskConsumer> consumers() {
			return List.of(this.consumer);
		}

		@Override
		public TaskConsumer consumer(String queue) {
			return this.consumer;
		}

	}

}
