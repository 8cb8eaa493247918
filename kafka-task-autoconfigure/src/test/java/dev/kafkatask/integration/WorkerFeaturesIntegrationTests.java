package dev.kafkatask.integration;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.ConsumerGroupOnly;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Integration tests of the worker container's ordering, threads, commit metadata, group
 * protocol and rebalancing, on a real broker.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class WorkerFeaturesIntegrationTests {

	private static final Log logger = LogFactory.getLog(WorkerFeaturesIntegrationTests.class);

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	@Test
	@ConsumerGroupOnly("ordered queues")
	void whenQueueIsKeyOrderedThenRecordsOfOneKeyRunInOrderOneAtATime() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.ordering.default=key",
				"kafka-task.kafka.partitions=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>();
			for (int sequence = 0; sequence < 20; sequence++) {
				for (String key : List.of("a", "b", "c", "d", "e")) {
					sent.add(dispatcher.dispatch("it.keyed", List.of(key, sequence), Map.of(),
							TaskOptions.none().withKey(key)));
				}
			}
			CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 100);
			assertThat(this.apps.journal().overlaps()).as("tasks of one key running at once").isZero();
			for (String key : List.of("a", "b", "c", "d", "e")) {
				List<String> ofKey = this.apps.journal()
					.entries()
					.stream()
					.filter((entry) -> entry.startsWith("keyed:" + key + ":"))
					.toList();
				assertThat(ofKey).containsExactlyElementsOf(
						java.util.stream.IntStream.range(0, 20).mapToObj((i) -> "keyed:" + key + ":" + i).toList());
			}
			assertThat(this.apps.journal().mostActive()).as("different keys in parallel").isGreaterThan(1);
		}
	}

	@Test
	@ConsumerGroupOnly("ordered queues")
	void whenQueueIsPartitionOrderedThenOneRecordRunsAtATime() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.ordering.default=partition",
				"kafka-task.kafka.partitions=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>();
			for (int sequence = 0; sequence < 30; sequence++) {
				sent.add(dispatcher.dispatch("it.keyed", List.of("k" + (sequence % 3), sequence), Map.of(),
						TaskOptions.none()));
			}
			CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 30);
			assertThat(this.apps.journal().mostActive()).isEqualTo(1);
			assertThat(this.apps.journal().entries().stream().map((e) -> Integer.parseInt(e.substring(e.lastIndexOf(':') + 1))))
				.isSorted();
		}
	}

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenWorkerIsBusyThenHighPriorityTasksStartBeforeWaitingNormalOnes(ConsumptionMode mode) throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(mode, "kafka-task.kafka.partitions=1",
				"kafka-task.worker.max-in-flight=1", "kafka-task.kafka.priority-queues=default")) {
			if (mode == ConsumptionMode.GROUP) {
				awaitAssigned(app);
			}
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			for (int i = 0; i < 8; i++) {
				dispatcher.dispatch("it.slow", List.of(i, 300), Map.of(), TaskOptions.none()).get();
			}
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() >= 1);
			DispatchReceipt urgent = dispatcher
				.dispatch("it.slow", List.of(100, 0), Map.of(), TaskOptions.none().withOption("priority", 9))
				.get();
			assertThat(urgent.destination()).isEqualTo(this.apps.topic("default") + ".high");
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 9);
			List<String> order = List.copyOf(this.apps.journal().entries());
			assertThat(order.indexOf("slow:100")).as("position of the urgent task in %s", order).isLessThan(4);
		}
	}

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenTaskAsksForPlatformThreadsThenItRunsOnTheWorkersPool(ConsumptionMode mode) throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(mode, "kafka-task.worker.platform-threads=2")) {
			app.getBean(TaskDispatcher.class).dispatch("it.cpu", 1).get();
			app.getBean(TaskDispatcher.class).dispatch("it.count", 2).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 2);
			assertThat(this.apps.journal().entries()).anySatisfy(
					(entry) -> assertThat(entry).startsWith("cpu:1:platform:kafka-task-cpu-" + this.apps.groupId()));
		}
	}

	@Test
	@ConsumerGroupOnly("the consumer group protocols")
	void whenBrokerSupportsKip848ThenWorkerUsesTheConsumerProtocol() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			awaitAssigned(app);
			assertThat(groupType()).isEqualTo(GroupType.CONSUMER);
		}
	}

	@Test
	@ConsumerGroupOnly("the consumer group protocols")
	void whenClassicProtocolIsConfiguredThenWorkerUsesIt() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.group-protocol=classic")) {
			awaitAssigned(app);
			assertThat(groupType()).isEqualTo(GroupType.CLASSIC);
		}
	}

	@ParameterizedTest
	@EnumSource(ConsumptionMode.class)
	void whenWorkerStopsWithUnfinishedTaskThenOnlyThatTaskRunsAgain(ConsumptionMode mode) throws Exception {
		try (ConfigurableApplicationContext worker = this.apps.start(mode, "kafka-task.kafka.partitions=1",
				"kafka-task.worker.shutdown-timeout=200ms")) {
			TaskDispatcher dispatcher = worker.getBean(TaskDispatcher.class);
			DispatchReceipt blocked = dispatcher.dispatch("it.block", "metadata").get();
			for (int i = 0; i < 50; i++) {
				dispatcher.dispatch("it.count", i).get();
			}
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 50);
			TopicPartition partition = new TopicPartition(blocked.destination(), blocked.partition());
			if (mode == ConsumptionMode.SHARE) {
				// The 50 finished ones acknowledged one by one, the blocked one in flight.
				await().atMost(TIMEOUT).until(() -> this.apps.unsettled(mode, partition) == 1);
			}
			else {
				// The commit stays at the blocked record, with the 50 finished ones in its metadata.
				await().atMost(TIMEOUT).untilAsserted(() -> {
					OffsetAndMetadata committed = committed(partition);
					assertThat(committed).isNotNull();
					assertThat(committed.offset()).isEqualTo(blocked.offset());
					assertThat(committed.metadata()).startsWith("kt1:");
				});
			}
		}
		this.apps.journal().release();
		try (ConfigurableApplicationContext worker = this.apps.start(mode, "kafka-task.kafka.partitions=1")) {
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("block:metadata") == 1);
			for (int i = 0; i < 50; i++) {
				assertThat(this.apps.journal().runs("count:" + i)).as("runs of task %d", i).isEqualTo(1);
			}
		}
	}

	@Test
	@ConsumerGroupOnly("committed offsets")
	void whenEveryTaskIsDoneThenTheWorkerCommitsBeforeTheCommitInterval() throws Exception {
		try (ConfigurableApplicationContext worker = this.apps.start("kafka-task.kafka.partitions=1",
				"kafka-task.worker.commit-interval=30s")) {
			awaitAssigned(worker);
			TaskDispatcher dispatcher = worker.getBean(TaskDispatcher.class);
			DispatchReceipt last = null;
			for (int i = 0; i < 20; i++) {
				last = dispatcher.dispatch("it.count", i).get();
			}
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 20);
			TopicPartition partition = new TopicPartition(last.destination(), last.partition());
			long end = last.offset() + 1;
			// An idle worker commits a tenth of an interval after its last check (3 s), not after 30 s.
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				OffsetAndMetadata committed = committed(partition);
				assertThat(committed).isNotNull();
				assertThat(committed.offset()).isEqualTo(end);
			});
		}
	}

	@Test
	@ConsumerGroupOnly("partition assignments (ShareModeIntegrationTests pauses and drains share queues)")
	void whenQueueIsPausedDrainedAndStartedAtRuntimeThenTheWorkerFollows() throws Exception {
		try (ConfigurableApplicationContext worker = this.apps.start("kafka-task.kafka.partitions=2")) {
			awaitAssigned(worker);
			TaskWorker container = worker.getBean(TaskWorker.class);
			TaskConsumer consumer = worker.getBean(TaskConsumers.class).consumer(Backend.KAFKA, "default");
			assertThat(consumer.state()).isEqualTo(ConsumerState.RUNNING);
			consumer.pause();
			TaskDispatcher dispatcher = worker.getBean(TaskDispatcher.class);
			for (int i = 0; i < 20; i++) {
				dispatcher.dispatch("it.count", i).get();
			}
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
				.until(() -> this.apps.journal().distinctRuns() == 0);
			consumer.drain();
			await().atMost(TIMEOUT).until(() -> consumer.state() == ConsumerState.STOPPED);
			assertThat(this.apps.journal().distinctRuns()).isEqualTo(20);
			await().atMost(TIMEOUT).until(() -> container.getAssignment().isEmpty());
			for (int i = 20; i < 25; i++) {
				dispatcher.dispatch("it.count", i).get();
			}
			await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
				.until(() -> this.apps.journal().distinctRuns() == 20);
			consumer.start();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 25);
			for (int i = 0; i < 25; i++) {
				assertThat(this.apps.journal().runs("count:" + i)).as("runs of task %d", i).isEqualTo(1);
			}
		}
	}

	@Test
	@ConsumerGroupOnly("commit metadata")
	void whenCommitMetadataIsOffThenFinishedTasksAboveTheCommitRunAgain() throws Exception {
		try (ConfigurableApplicationContext worker = this.apps.start("kafka-task.kafka.partitions=1",
				"kafka-task.worker.shutdown-timeout=200ms", "kafka-task.worker.commit-metadata=false")) {
			TaskDispatcher dispatcher = worker.getBean(TaskDispatcher.class);
			dispatcher.dispatch("it.block", "no-metadata").get();
			for (int i = 0; i < 10; i++) {
				dispatcher.dispatch("it.count", i).get();
			}
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 10);
		}
		this.apps.journal().release();
		try (ConfigurableApplicationContext worker = this.apps.start("kafka-task.kafka.partitions=1",
				"kafka-task.worker.commit-metadata=false")) {
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("block:no-metadata") == 1);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:9") == 2);
		}
	}

	@Test
	@ConsumerGroupOnly("partition assignments and rebalances")
	void whenSecondWorkerJoinsThenRevokedTasksFinishBeforeHandOverAndBothShareTheWork() throws Exception {
		String[] properties = { "kafka-task.kafka.partitions=6", "kafka-task.worker.revoke-timeout=10s" };
		try (ConfigurableApplicationContext first = this.apps.start(properties)) {
			TaskDispatcher dispatcher = first.getBean(TaskDispatcher.class);
			TaskWorker one = first.getBean(TaskWorker.class);
			awaitAssigned(first);
			// Tasks still running when the second worker joins and takes half the partitions.
			List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>();
			for (int i = 0; i < 24; i++) {
				sent.add(dispatcher.dispatch("it.slow", i, 3000));
			}
			CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
			await().atMost(TIMEOUT).until(() -> one.getInFlight() == 24);
			try (ConfigurableApplicationContext second = this.apps.start(properties)) {
				TaskWorker two = second.getBean(TaskWorker.class);
				await().atMost(TIMEOUT).until(() -> !one.getAssignment().isEmpty() && !two.getAssignment().isEmpty()
						&& one.getAssignment().size() + two.getAssignment().size() == 6);
				for (int i = 24; i < 84; i++) {
					dispatcher.dispatch("it.slow", i, 10).get();
				}
				await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 84
						&& one.getInFlight() + two.getInFlight() == 0);
				// Revocation waited for the running tasks and committed them: none ran twice.
				for (int i = 0; i < 84; i++) {
					assertThat(this.apps.journal().runs("slow:" + i)).as("runs of task %d", i).isEqualTo(1);
				}
			}
		}
	}

	@Test
	@ConsumerGroupOnly("partition assignments and rebalances")
	void whenOneOfThreeWorkersRestartsThenCompletionsBarelyPause() throws Exception {
		String partitions = "kafka-task.kafka.partitions=6";
		List<ConfigurableApplicationContext> workers = new ArrayList<>();
		ScheduledExecutorService stream = Executors.newSingleThreadScheduledExecutor();
		AtomicInteger sent = new AtomicInteger();
		try (ConfigurableApplicationContext producer = this.apps.start(partitions, "kafka-task.worker.enabled=false")) {
			for (int i = 0; i < 3; i++) {
				workers.add(this.apps.start(partitions));
			}
			await().atMost(TIMEOUT).until(() -> assignments(workers).allMatch((size) -> size > 0));
			TaskDispatcher dispatcher = producer.getBean(TaskDispatcher.class);
			// A steady stream: 200 tasks a second, 20 ms each.
			stream.scheduleAtFixedRate(() -> dispatcher.dispatch("it.slow", sent.getAndIncrement(), 20L), 0, 5,
					TimeUnit.MILLISECONDS);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() >= 400);
			// What SIGTERM does to a worker (its context closed: it finishes what runs, commits and
			// leaves the group), then a replacement that joins.
			Instant restartedAt = Instant.now();
			workers.remove(1).close();
			// It left: the others took its partitions, long before its session (45 s by default) ended.
			await().atMost(Duration.ofSeconds(15)).until(() -> assignments(workers).sum() == 6);
			workers.add(this.apps.start(partitions));
			awaitAssigned(workers.get(2));
			int afterRejoin = this.apps.journal().distinctRuns();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() >= afterRejoin + 400);
			stream.shutdownNow();
			Duration longestGap = longestGapFrom(restartedAt, sent.get());
			logger.info("Restart of one of three workers: longest gap between completions " + longestGap.toMillis()
					+ " ms (target 1,000 ms)");
			// The bound leaves room for a loaded 2-core machine.
			assertThat(longestGap).as("longest gap between completions").isLessThanOrEqualTo(Duration.ofSeconds(3));
		}
		finally {
			stream.shutdownNow();
			workers.forEach(ConfigurableApplicationContext::close);
		}
	}

	private static void awaitAssigned(ConfigurableApplicationContext app) {
		TaskWorker container = app.getBean(TaskWorker.class);
		await().atMost(TIMEOUT).until(() -> !container.getAssignment().isEmpty());
	}

	private static IntStream assignments(List<ConfigurableApplicationContext> workers) {
		return workers.stream().mapToInt((worker) -> worker.getBean(TaskWorker.class).getAssignment().size());
	}

	/**
	 * Return the longest time between two completions of {@code it.slow} tasks, the later one
	 * at or after the given moment.
	 */
	private Duration longestGapFrom(Instant from, int tasks) {
		List<Instant> ends = new ArrayList<>();
		for (int i = 0; i < tasks; i++) {
			ends.addAll(this.apps.journal().runTimes("slow:" + i));
		}
		ends.sort(null);
		Duration longest = Duration.ZERO;
		for (int i = 1; i < ends.size(); i++) {
			Duration gap = Duration.between(ends.get(i - 1), ends.get(i));
			if (!ends.get(i).isBefore(from) && gap.compareTo(longest) > 0) {
				longest = gap;
			}
		}
		return longest;
	}

	private GroupType groupType() throws Exception {
		try (Admin admin = admin()) {
			return admin.describeConsumerGroups(List.of(this.apps.groupId()))
				.all()
				.get()
				.get(this.apps.groupId())
				.type();
		}
	}

	private OffsetAndMetadata committed(TopicPartition partition) throws Exception {
		try (Admin admin = admin()) {
			return admin.listConsumerGroupOffsets(this.apps.groupId())
				.partitionsToOffsetAndMetadata()
				.get()
				.get(partition);
		}
	}

	private static Admin admin() {
		return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()));
	}

}
