package dev.kafkatask.integration;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.actuate.KafkaTasksEndpoint.ConsumerDescriptor;
import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.kafka.ClusterTopics;
import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.TaskEventLog;
import dev.kafkatask.kafka.deadletter.DeadLetter;
import dev.kafkatask.kafka.deadletter.DeadLetterList;
import dev.kafkatask.kafka.deadletter.RedriveResult;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskResults;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.KafkaTaskHealth;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Workers that consume several Kafka clusters ({@code kafka-task.worker.clusters}): two
 * real brokers in this JVM, the shared one ({@code default}) and
 * {@link TestKafka#secondBootstrapServers() a second} configured as
 * {@code kafka-task.kafka.clusters.east}. What a task of a cluster leads to (retries, dead
 * letters, its lifecycle events) stays on that cluster.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class ClusterWorkersIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final String[] ENDPOINT = { "management.endpoints.web.exposure.include=kafkatasks",
			"management.endpoint.kafkatasks.access=unrestricted" };

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenAWorkerConsumesAQueueOnBothClustersThenItRunsTheTasksDispatchedToEach() throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.queues=both",
				"kafka-task.kafka.clusters.east.bootstrap-servers=" + east, "kafka-task.worker.clusters=default,east",
				ENDPOINT[0], ENDPOINT[1])) {
			await().atMost(TIMEOUT).until(() -> app.getBean(ClusterTopics.class).isCreated("east", "both"));
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			for (int i = 0; i < 5; i++) {
				assertThat(dispatch(app, "both", i).get().cluster()).isEqualTo("default");
			}
			endpoint.route("queue", "both", null, "east", null, null, null, null, null);
			for (int i = 5; i < 10; i++) {
				assertThat(dispatch(app, "both", i).get().cluster()).isEqualTo("east");
			}
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 10);
			assertThat(IntStream.range(0, 10).map((i) -> this.apps.journal().runs("count:" + i)))
				.containsOnly(1);
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), this.apps.topic("both"))).isEqualTo(5);
			assertThat(TopicOffsets.records(east, this.apps.topic("both"))).isEqualTo(5);
			assertThat(endpoint.kafkaTasks().consumers()).filteredOn((consumer) -> consumer.queue().equals("both"))
				.extracting(ConsumerDescriptor::cluster, ConsumerDescriptor::state)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("default", "running"),
						org.assertj.core.groups.Tuple.tuple("east", "running"));
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			if (this.apps.mode() == ConsumptionMode.GROUP) {
				// partition gauges: the consumer group's (a share queue has no commits)
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(meters.find("kafka.task.partition.committed.offset")
						.tags("queue", "both", "cluster", "east")
						.gauges()).isNotEmpty());
			}
			assertThat(meters.get("kafka.task.in.flight").tags("queue", "both", "cluster", "east").gauge()).isNotNull();
			assertThat(meters.get("kafka.task.in.flight").tags("queue", "both", "cluster", "default").gauge())
				.isNotNull();
			assertThat(meters.find("kafka.task.worker.stalled").tag("cluster", "east").gauge()).isNotNull();
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint.consumer("kafka", "both", "pause", "west"))
				.withMessageContaining("consumes no Kafka cluster 'west'");
			assertThat(endpoint.consumer("kafka", "both", "pause", "east").cluster()).isEqualTo("east");
			assertThat(endpoint.consumer("kafka", "both", "pause").state()).as("the default cluster's, unnamed")
				.isEqualTo("paused");
			assertThat(clusterWorkerHealth(app, "east")).containsOnly(java.util.Map.entry("worker", Status.UP),
					java.util.Map.entry("delays", Status.UP), java.util.Map.entry("kafka", Status.UP));
		}
	}

	@Test
	void whenAQueueMovesToTheSecondClusterUnderAStreamThenEveryTaskRunsOnce() throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.queues=moving",
				"kafka-task.kafka.clusters.east.bootstrap-servers=" + east,
				"kafka-task.worker.clusters=default,east", ENDPOINT[0], ENDPOINT[1])) {
			await().atMost(TIMEOUT).until(() -> app.getBean(ClusterTopics.class).isCreated("east", "moving"));
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			Stream stream = new Stream(app, "moving");
			Thread dispatching = Thread.ofPlatform().name("it-stream").start(stream);
			try {
				stream.awaitSent(30);
				endpoint.route("queue", "moving", null, null, null, "east", 50.0, null, null);
				stream.awaitSent(stream.sent() + 30);
				endpoint.route("queue", "moving", null, "east", null, null, null, null, null);
				// Tasks sent from now on go to east only: the default cluster's queue can drain.
				int sentToDefaultAtMost = stream.sent() + 1;
				stream.awaitSent(sentToDefaultAtMost + 10);
				assertThat(endpoint.consumer("kafka", "moving", "drain", "default").state()).isIn("draining",
						"stopped");
				await().atMost(TIMEOUT)
					.until(() -> app.getBean(TaskConsumers.class)
						.consumer(Backend.KAFKA, "default", "moving")
						.state() == ConsumerState.STOPPED);
				assertThat(endpoint.consumer("kafka", "moving", "stop", "default").state()).isEqualTo("stopped");
				stream.awaitSent(stream.sent() + 20);
			}
			finally {
				stream.stop();
				dispatching.join();
			}
			assertThat(stream.failures()).isZero();
			int sent = stream.sent();
			assertThat(stream.clusters()).containsOnlyKeys("default", "east");
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == sent);
			assertThat(IntStream.range(0, sent).map((i) -> this.apps.journal().runs("count:" + i)))
				.as("every task dispatched ran once")
				.containsOnly(1);
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), this.apps.topic("moving"))
					+ TopicOffsets.records(east, this.apps.topic("moving")))
				.isEqualTo(sent);
			assertThat(endpoint.kafkaTasks().consumers()).filteredOn((consumer) -> consumer.queue().equals("moving"))
				.extracting(ConsumerDescriptor::cluster, ConsumerDescriptor::state)
				.containsExactly(org.assertj.core.groups.Tuple.tuple("default", "stopped"),
						org.assertj.core.groups.Tuple.tuple("east", "running"));
		}
	}

	@Test
	void whenATaskOfTheSecondClusterIsRetriedOrDeadLetteredThenItsRecordsAndEventsStayOnThatCluster()
			throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.queues=remote",
				"kafka-task.kafka.clusters.east.bootstrap-servers=" + east, "kafka-task.worker.clusters=default,east",
				"kafka-task.kafka.clusters.east.properties.[max.block.ms]=1000",
				"kafka-task.routing.queues.remote.cluster=east", ENDPOINT[0], ENDPOINT[1])) {
			await().atMost(TIMEOUT).until(() -> app.getBean(ClusterTopics.class).isCreated("east", "remote"));
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			TaskOptions remote = TaskOptions.none().withQueue("remote");

			// a dead letter that cannot be written on east (its topic deleted before the producer of east
			// wrote one, so that the write fails fast): east's worker says so, not the default one's
			String deadLetterTopic = this.apps.topic("remote") + ".dlt";
			try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, east))) {
				admin.deleteTopics(List.of(deadLetterTopic)).all().get();
				await().atMost(TIMEOUT).until(() -> !admin.listTopics().names().get().contains(deadLetterTopic));
				dispatcher.dispatch("it.flaky", List.of("f1", 100), Map.of(), remote).get();
				HealthIndicator eastWorker = clusterWorkerHealthIndicator(app, "east");
				await().atMost(TIMEOUT).until(() -> eastWorker.health().getStatus().equals(Status.DOWN));
				assertThat(eastWorker.health().getDetails().get("pendingDeadLetters").toString())
					.contains("cluster=east");
				assertThat(((HealthIndicator) KafkaTaskHealth.member(app, "worker")).health().getStatus())
					.as("the default cluster's worker")
					.isEqualTo(Status.UP);
				admin.createTopics(List.of(new NewTopic(deadLetterTopic, 3, (short) 1))).all().get();
				await().atMost(TIMEOUT).until(() -> eastWorker.health().getStatus().equals(Status.UP));
			}
			assertThat(TopicOffsets.records(east, deadLetterTopic)).as("the dead letter, written once it could be")
				.isOne();
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.dead.letter.failures").tags("queue", "remote", "cluster", "east")
				.counter()
				.count()).isPositive();
			assertThat(meters.get("kafka.task.dead.letters").tags("queue", "remote", "cluster", "east")
				.counter()
				.count()).as("where it is listed and redriven").isOne();

			DispatchReceipt retried = dispatcher.dispatch("it.plain-retry", List.of("r1"), Map.of(), remote).get();
			assertThat(retried.cluster()).isEqualTo("east");
			DispatchReceipt deadLettered = dispatcher.dispatch("it.flaky", List.of("always", 100), Map.of(), remote)
				.get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("plain-retry:r1") == 2);
			await().atMost(TIMEOUT)
				.until(() -> TopicOffsets.records(east, this.apps.topic("remote") + ".dlt") == 2);
			assertThat(this.apps.journal().runs("flaky:always")).isEqualTo(4);
			List<String> tiers = app.getBean(DelayTiers.class).topics();
			assertThat(sum(east, tiers)).as("the retry's delay records on east").isPositive();
			assertThat(sum(TestKafka.bootstrapServers(), tiers)).as("delay records on the default cluster").isZero();
			assertThat(TopicOffsets.records(east, this.apps.topic("remote")))
				.as("the three tasks and their 7 retries, on east")
				.isEqualTo(10);
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), this.apps.topic("remote") + ".dlt"))
				.as("dead letters on the default cluster")
				.isZero();
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), this.apps.topic("remote")))
				.as("records of the queue on the default cluster")
				.isZero();
			// Their events live on east too, and are told by id as those of the default cluster.
			TaskResults results = app.getBean(TaskResults.class);
			assertThat(results.result(retried.taskId(), TIMEOUT).get().state()).isEqualTo(TaskEventType.SUCCEEDED);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(results.state(retried.taskId())).hasValueSatisfying((state) -> {
					assertThat(state.history()).extracting(TaskEvent::type)
						.contains(TaskEventType.DISPATCHED, TaskEventType.STARTED, TaskEventType.RETRIED,
								TaskEventType.SUCCEEDED);
					assertThat(state.history()).extracting(TaskEvent::cluster).containsOnly("east");
				}));
			assertThat(results.result(deadLettered.taskId(), TIMEOUT).get().state()).as("out of retries")
				.isEqualTo(TaskEventType.FAILED);
			KafkaTasksEndpoint.TaskStateDescriptor described = app.getBean(KafkaTasksEndpoint.class)
				.task("tasks", retried.taskId());
			assertThat(described).isNotNull();
			assertThat(described.state()).isEqualTo("succeeded");
			assertThat(described.history()).extracting(KafkaTasksEndpoint.EventDescriptor::cluster)
				.containsOnly("east");
			String events = this.apps.prefix() + "__events";
			assertThat(eventTypes(east, events, retried.taskId())).as("the task's events on east")
				.contains("dispatched", "started", "retried", "succeeded");
			assertThat(eventTypes(east, events, deadLettered.taskId())).contains("dispatched", "retried", "failed");
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), events))
				.as("events on the default cluster")
				.isZero();
			assertThat(topicConfig(east, events, TopicConfig.CLEANUP_POLICY_CONFIG)).as("created compacted on east")
				.isEqualTo("compact,delete");
		}
	}

	@Test
	void whenADeadLetterOfTheSecondClusterIsRedrivenThenItsTaskRunsAgainOnceOnThatCluster() throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext app = this.apps.start(
				new Class<?>[] { DeadLettersIntegrationTests.FragileTasks.class }, "kafka-task.worker.queues=remote",
				"kafka-task.kafka.clusters.east.bootstrap-servers=" + east, "kafka-task.worker.clusters=default,east",
				"kafka-task.routing.queues.remote.cluster=east", ENDPOINT[0], ENDPOINT[1])) {
			await().atMost(TIMEOUT).until(() -> app.getBean(ClusterTopics.class).isCreated("east", "remote"));
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			String id = app.getBean(TaskDispatcher.class)
				.dispatch("it.fragile", List.of("e1"), Map.of(), TaskOptions.none().withQueue("remote"))
				.get()
				.taskId();
			await().atMost(TIMEOUT).until(() -> deadLetters(endpoint, "east").size() == 1);
			assertThat(deadLetters(endpoint, "east")).extracting(DeadLetter::taskId, DeadLetter::topic)
				.containsExactly(org.assertj.core.groups.Tuple.tuple(id, this.apps.topic("remote") + ".dlt"));
			assertThat(deadLetters(endpoint, null)).as("the default cluster's, unnamed").isEmpty();
			assertThat(deadLetters(endpoint, "default")).isEmpty();
			assertThat(endpoint.kafkaTasks().deadLetterClusters()).containsExactly("default", "east");

			// the cause is fixed: redrive it, on east
			app.getBean(DeadLettersIntegrationTests.FragileTasks.class).broken.set(false);
			assertThat(redrive(endpoint, "east").redriven()).extracting(DeadLetter::taskId).containsExactly(id);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("fragile:e1") == 2);
			RedriveResult again = redrive(endpoint, "east");
			assertThat(again.redriven()).isEmpty();
			assertThat(again.skipped()).extracting(RedriveResult.Skipped::reason)
				.containsExactly(RedriveResult.SkipReason.ALREADY_REDRIVEN);
			assertThat(redrive(endpoint, null).skipped()).as("nothing on the default cluster").isEmpty();
			assertThat(app.getBean(MeterRegistry.class)
				.get("kafka.task.redrives")
				.tags("queue", "remote", "cluster", "east", "outcome", "redriven")
				.counter()
				.count()).isOne();
			await().during(Duration.ofMillis(500))
				.atMost(TIMEOUT)
				.until(() -> this.apps.journal().runs("fragile:e1") == 2);
			assertThat(deadLetters(endpoint, "east")).singleElement()
				.satisfies((deadLetter) -> assertThat(deadLetter.redrivenAt()).isNotNull());
			// the redriven copy and its ledger record on east, nothing on the default cluster
			assertThat(TopicOffsets.records(east, this.apps.topic("remote"))).isGreaterThan(1);
			assertThat(TopicOffsets.records(east, this.apps.topic("__redriven"))).isPositive();
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), this.apps.topic("remote"))).isZero();
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), this.apps.topic("__redriven"))).isZero();

			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> deadLetters(endpoint, "west"))
				.withMessage("Unknown Kafka cluster 'west': default, east (kafka-task.kafka.clusters)");
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> redrive(endpoint, "west"))
				.withMessageStartingWith("Unknown Kafka cluster 'west'");

			// The queue moves back to the default cluster while a dead letter waits on east: its
			// redrive goes where the queue is routed now, through east's delay forwarder.
			app.getBean(DeadLettersIntegrationTests.FragileTasks.class).broken.set(true);
			String moved = app.getBean(TaskDispatcher.class)
				.dispatch("it.fragile", List.of("e2"), Map.of(), TaskOptions.none().withQueue("remote"))
				.get()
				.taskId();
			await().atMost(TIMEOUT).until(() -> deadLetters(endpoint, "east").size() == 2);
			endpoint.route("queue", "remote", null, "default", null, null, null, null, null);
			app.getBean(DeadLettersIntegrationTests.FragileTasks.class).broken.set(false);
			assertThat(redrive(endpoint, "east").redriven()).extracting(DeadLetter::taskId).containsExactly(moved);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("fragile:e2") == 2);
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), this.apps.topic("remote")))
				.as("the redriven task, on the cluster its queue moved to")
				.isOne();
		}
	}

	@Test
	void whenTheSecondClusterIsDownThenOnlyItsWorkerIsDownAndTheDefaultOneServesItsQueues() throws Exception {
		String dead = "127.0.0.1:" + closedPort();
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.queues=alive",
				"kafka-task.kafka.clusters.dead.bootstrap-servers=" + dead,
				"kafka-task.kafka.clusters.dead.properties.[default.api.timeout.ms]=1500",
				"kafka-task.kafka.clusters.dead.properties.[request.timeout.ms]=1500",
				"kafka-task.worker.clusters=default,dead")) {
			for (int i = 0; i < 5; i++) {
				assertThat(dispatch(app, "alive", i).get().cluster()).isEqualTo("default");
			}
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 5);
			assertThat(clusterWorkerHealth(app, "dead")).containsEntry("kafka", Status.DOWN);
			assertThat(((HealthIndicator) KafkaTaskHealth.member(app, "worker")).health().getStatus())
				.isEqualTo(Status.UP);
			assertThat(app.getBean(TaskConsumers.class).consumer(Backend.KAFKA, "dead", "alive").assignment())
				.isEmpty();
			// The default cluster's events keep coming and are told, the dead cluster's reader apart.
			TaskResults results = app.getBean(TaskResults.class);
			DispatchReceipt later = dispatch(app, "alive", 5).get();
			assertThat(results.result(later.taskId(), TIMEOUT).get().state()).isEqualTo(TaskEventType.SUCCEEDED);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(results.latest(10)).hasSize(6)
					.allSatisfy((state) -> assertThat(state.state()).isEqualTo(TaskEventType.SUCCEEDED)));
			long asked = System.nanoTime();
			assertThat(results.state(later.taskId())).isPresent();
			assertThat(Duration.ofNanos(System.nanoTime() - asked)).as("a question past the first waits not for it")
				.isLessThan(Duration.ofSeconds(2));
			assertThat(TopicOffsets.records(TestKafka.bootstrapServers(), this.apps.prefix() + "__events"))
				.isGreaterThanOrEqualTo(18);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(meters.find("kafka.task.background.failures")
					.tag("thread", TaskEventLog.THREAD)
					.counter()).as("the dead cluster's events reader, failing").isNotNull());
		}
	}

	/**
	 * Return the dead letters of queue {@code remote} on a cluster, as the endpoint lists
	 * them ({@code deadletters/remote?cluster=}).
	 */
	private static List<DeadLetter> deadLetters(KafkaTasksEndpoint endpoint, @Nullable String cluster) {
		Object listed = endpoint.detail("deadletters", "remote", null, null, null, null, null, null, null, cluster);
		return ((DeadLetterList) listed).deadLetters();
	}

	/**
	 * Redrive the dead letters of queue {@code remote} on a cluster through the endpoint
	 * ({@code redrive/remote} with {@code cluster} in the body).
	 */
	private static RedriveResult redrive(KafkaTasksEndpoint endpoint, @Nullable String cluster) {
		return (RedriveResult) endpoint.change("redrive", "remote", null, cluster, null, null, null, null, null, null,
				null, null, null, null, false, null);
	}

	/**
	 * Return the health indicator of a cluster's worker.
	 */
	private static HealthIndicator clusterWorkerHealthIndicator(ConfigurableApplicationContext app, String cluster) {
		CompositeHealthContributor workers = (CompositeHealthContributor) KafkaTaskHealth.member(app,
				"clusterWorkers");
		return (HealthIndicator) ((CompositeHealthContributor) workers.getContributor(cluster))
			.getContributor("worker");
	}

	/**
	 * Return the status of each member (worker, delays, kafka) of a cluster's worker health.
	 */
	private static Map<String, Status> clusterWorkerHealth(ConfigurableApplicationContext app, String cluster) {
		CompositeHealthContributor workers = (CompositeHealthContributor) KafkaTaskHealth.member(app,
				"clusterWorkers");
		CompositeHealthContributor members = (CompositeHealthContributor) workers.getContributor(cluster);
		Map<String, Status> statuses = new java.util.TreeMap<>();
		for (String member : List.of("worker", "delays", "kafka")) {
			statuses.put(member, ((HealthIndicator) members.getContributor(member)).health().getStatus());
		}
		return statuses;
	}

	private CompletableFuture<DispatchReceipt> dispatch(ConfigurableApplicationContext app, String queue, int index) {
		return app.getBean(TaskDispatcher.class)
			.dispatch("it.count", List.of(index), Map.of(), TaskOptions.none().withQueue(queue));
	}

	/**
	 * Return the types of the events of a task in a cluster's events topic, in the order read.
	 */
	private static List<String> eventTypes(String bootstrapServers, String topic, String taskId) {
		Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
				ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
		List<String> types = new ArrayList<>();
		try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
				new StringDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			while (partitions.stream().anyMatch((partition) -> consumer.position(partition) < ends.get(partition))) {
				for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
					if (taskId.equals(record.key())) {
						types.add(JsonMapper.shared().readTree(record.value()).get("type").asString());
					}
				}
			}
		}
		return types;
	}

	private static String topicConfig(String bootstrapServers, String topic, String name) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
			return admin.describeConfigs(List.of(resource)).all().get().get(resource).get(name).value();
		}
	}

	private long sum(String bootstrapServers, List<String> topics) throws Exception {
		long sum = 0;
		for (String topic : topics) {
			if (topicExists(bootstrapServers, topic)) {
				sum += TopicOffsets.records(bootstrapServers, topic);
			}
		}
		return sum;
	}

	private static boolean topicExists(String bootstrapServers, String topic) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			return admin.listTopics().names().get().contains(topic);
		}
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Dispatches {@code it.count} tasks one after another, each sent before the next, until
	 * stopped, and counts where they went.
	 */
	private final class Stream implements Runnable {

		private final ConfigurableApplicationContext app;

		private final String queue;

		private final AtomicBoolean stopped = new AtomicBoolean();

		private final AtomicInteger sent = new AtomicInteger();

		private final AtomicInteger failures = new AtomicInteger();

		private final Map<String, AtomicInteger> clusters = new java.util.concurrent.ConcurrentHashMap<>();

		Stream(ConfigurableApplicationContext app, String queue) {
			this.app = app;
			this.queue = queue;
		}

		@Override
		public void run() {
			while (!this.stopped.get()) {
				int index = this.sent.get();
				try {
					DispatchReceipt receipt = dispatch(this.app, this.queue, index).get();
					this.clusters.computeIfAbsent(receipt.cluster(), (name) -> new AtomicInteger()).incrementAndGet();
					this.sent.incrementAndGet();
				}
				catch (Exception ex) {
					this.failures.incrementAndGet();
					return;
				}
			}
		}

		void awaitSent(int count) {
			await().atMost(TIMEOUT).until(() -> this.sent.get() >= count || this.failures.get() > 0);
		}

		int sent() {
			return this.sent.get();
		}

		int failures() {
			return this.failures.get();
		}

		Map<String, AtomicInteger> clusters() {
			return this.clusters;
		}

		void stop() {
			this.stopped.set(true);
		}

	}

}
