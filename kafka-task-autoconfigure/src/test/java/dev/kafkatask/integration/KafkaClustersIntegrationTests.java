package dev.kafkatask.integration;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.dispatch.TaskResult;
import dev.kafkatask.kafka.ClusterSendException;
import dev.kafkatask.kafka.ClusterTopics;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.kafka.worker.ReplyListener;
import dev.kafkatask.test.KafkaTaskHealth;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Dispatches to several Kafka clusters: two real brokers in this JVM, the shared one
 * ({@code spring.kafka.*}, named {@code default}) and {@link TestKafka#secondBootstrapServers()
 * a second} configured as {@code kafka-task.kafka.clusters.east}.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class KafkaClustersIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenAQueueIsRoutedToTheSecondClusterThenItsTasksLandThereOnlyAndRunOnAWorkerOfThatCluster()
			throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext dispatcher = this.apps.start("kafka-task.worker.enabled=false",
				"kafka-task.kafka.clusters.east.bootstrap-servers=" + east,
				"kafka-task.routing.queues.orders.cluster=east");
				ConfigurableApplicationContext eastWorker = this.apps.start("spring.kafka.bootstrap-servers=" + east,
						"kafka-task.worker.queues=orders")) {
			await().atMost(TIMEOUT)
				.until(() -> dispatcher.getBean(ClusterTopics.class).isCreated("east", "orders"));
			DispatchReceipt receipt = dispatch(dispatcher, "orders", null, 1).get();
			assertThat(receipt.cluster()).isEqualTo("east");
			assertThat(receipt.destination()).isEqualTo(this.apps.topic("orders"));
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("add:1+2") == 1);
			assertThat(records(east, "orders")).isEqualTo(1);
			assertThat(topicExists(TestKafka.bootstrapServers(), "orders"))
				.as("the orders topic on the default cluster").isFalse();
			assertThat(dispatcher.getBean(MeterRegistry.class)
				.get("kafka.task.dispatched")
				.tags("queue", "orders", "backend", "kafka", "cluster", "east")
				.counter()
				.count()).isEqualTo(1);
			CompositeHealthContributor clusters = (CompositeHealthContributor) KafkaTaskHealth.member(dispatcher,
					"clusters");
			assertThat(((HealthIndicator) clusters.getContributor("east")).health().getStatus()).isEqualTo(Status.UP);
			// its worker replies on the cluster it consumed the task from, where the dispatcher reads
			TaskResult sum = dispatcher.getBean(TaskDispatcher.class)
				.dispatchForResult("it.add", List.of(4, 5), Map.of(), TaskOptions.none().withQueue("orders"), TIMEOUT)
				.get();
			assertThat(sum.value().get("sum").asInt()).isEqualTo(9);
			ReplyListener replies = dispatcher.getBean(ReplyListener.class);
			assertThat(replies.isReading("east")).isTrue();
			assertThat(replies.isReading("default")).as("no task whose result is expected went there").isFalse();
			assertThat(TopicOffsets.records(east, this.apps.prefix() + "__replies")).isEqualTo(1);
		}
	}

	@Test
	void whenARampSplitsAQueueBetweenClustersThenItIsStickyByKeyAndTheActuatorMovesTheRest() throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.enabled=false",
				"kafka-task.kafka.queues=split", "kafka-task.kafka.clusters.east.bootstrap-servers=" + east,
				"kafka-task.routing.sticky-by=key", "kafka-task.routing.queues.split.ramp.cluster=east",
				"kafka-task.routing.queues.split.ramp.percent=50",
				"management.endpoints.web.exposure.include=kafkatasks",
				"management.endpoint.kafkatasks.access=unrestricted")) {
			await().atMost(TIMEOUT).until(() -> app.getBean(ClusterTopics.class).isCreated("east", "split"));
			List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>();
			for (int key = 0; key < 20; key++) {
				for (int copy = 0; copy < 3; copy++) {
					sent.add(dispatch(app, "split", "customer-" + key, key));
				}
			}
			Map<String, Set<String>> clustersByKey = new java.util.TreeMap<>();
			for (CompletableFuture<DispatchReceipt> receipt : sent) {
				DispatchReceipt taken = receipt.get();
				clustersByKey.computeIfAbsent(taken.taskId().split("/")[0], (key) -> new java.util.TreeSet<>())
					.add(taken.cluster());
			}
			assertThat(clustersByKey).hasSize(20).allSatisfy((key, clusters) -> assertThat(clusters).hasSize(1));
			Map<String, Long> keysByCluster = clustersByKey.values()
				.stream()
				.collect(Collectors.groupingBy((clusters) -> clusters.iterator().next(), Collectors.counting()));
			assertThat(keysByCluster).containsOnlyKeys("default", "east");
			assertThat(records(TestKafka.bootstrapServers(), "split")).isEqualTo(3 * keysByCluster.get("default"));
			assertThat(records(east, "split")).isEqualTo(3 * keysByCluster.get("east"));

			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			assertThat(endpoint.route("queue", "split", null, "east", null, null, null, null, null)
				.queues()
				.get("split")).isEqualTo(new KafkaTasksEndpoint.RouteDescriptor("kafka", "east", null, null, null,
						null, "fail"));
			for (int key = 0; key < 20; key++) {
				assertThat(dispatch(app, "split", "customer-" + key, key).get().cluster()).isEqualTo("east");
			}
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> endpoint.route("queue", "split", null, "west", null, null, null, null, null))
				.withMessageContaining("Kafka cluster 'west', which is not configured");
			assertThat(endpoint.kafkaTasks().routing().queues().get("split").cluster()).isEqualTo("east");
		}
	}

	@Test
	void whenAScheduleFiresATaskOfAQueueRoutedToTheSecondClusterThenItsSlotsGoThereAndFollowTheRoute()
			throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.queues=ticks",
				"kafka-task.kafka.clusters.east.bootstrap-servers=" + east, "kafka-task.worker.clusters=default,east",
				"kafka-task.routing.queues.ticks.cluster=east", "kafka-task.schedules.tick.task=it.context",
				"kafka-task.schedules.tick.fixed-rate=1s", "kafka-task.schedules.tick.args=[\"beat\"]",
				"kafka-task.schedules.tick.options.queue=ticks", "management.endpoints.web.exposure.include=kafkatasks",
				"management.endpoint.kafkatasks.access=unrestricted")) {
			// The beat (its election and its state) is the application's, on the default
			// cluster; what it fires goes where its task's queue is routed.
			await().atMost(TIMEOUT).until(() -> beatRuns() >= 2);
			assertThat(records(east, "ticks")).isGreaterThanOrEqualTo(2);
			assertThat(records(TestKafka.bootstrapServers(), "ticks")).isZero();
			// the worker of the second cluster is told apart by its client id, thread names and
			// rebalance meters
			if (this.apps.mode() == ConsumptionMode.GROUP) {
				try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, east))) {
					await().atMost(TIMEOUT)
						.untilAsserted(() -> assertThat(admin.describeConsumerGroups(List.of(this.apps.groupId()))
							.all()
							.get()
							.get(this.apps.groupId())
							.members()).extracting(MemberDescription::clientId)
							.containsExactly("kafka-task-" + this.apps.groupId() + "-east"));
				}
				MeterRegistry meters = app.getBean(MeterRegistry.class);
				for (String cluster : List.of("east", "default")) {
					assertThat(meters.get("kafka.task.rebalances")
						.tags("group", this.apps.groupId(), "type", "assigned", "cluster", cluster)
						.counter()
						.count()).isPositive();
				}
				assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
					.contains("kafka-task-consumer-" + this.apps.groupId(),
							"kafka-task-consumer-" + this.apps.groupId() + "-east");
			}
			else {
				// a share group has no rebalances; its consumers' threads carry the cluster
				assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
					.contains("kafka-task-share-" + this.apps.groupId() + "-share-east-0");
			}
			assertThat(Thread.getAllStackTraces().keySet()).extracting(Thread::getName)
				.contains("kafka-task-delays-" + this.apps.groupId() + ".delays-east");
			app.getBean(KafkaTasksEndpoint.class).route("queue", "ticks", null, "default", null, null, null, null, null);
			long onEast = records(east, "ticks");
			await().atMost(TIMEOUT).until(() -> records(TestKafka.bootstrapServers(), "ticks") >= 2);
			assertThat(records(east, "ticks")).isBetween(onEast, onEast + 1);
			List<String> runs = beatRunIds();
			assertThat(runs).as("every slot ran once, on either cluster").doesNotHaveDuplicates();
		}
	}

	@Test
	void whenAQueueMovesToTheSecondClusterWhileItsCountdownsWaitThenTheyRunThereOnceDue() throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.queues=moving",
				"kafka-task.kafka.clusters.east.bootstrap-servers=" + east, "kafka-task.worker.clusters=default,east",
				"management.endpoints.web.exposure.include=kafkatasks",
				"management.endpoint.kafkatasks.access=unrestricted")) {
			await().atMost(TIMEOUT).until(() -> app.getBean(ClusterTopics.class).isCreated("east", "moving"));
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			for (int i = 0; i < 10; i++) {
				DispatchReceipt receipt = dispatcher.dispatch("it.add", List.of(i, 2), Map.of(),
						TaskOptions.none().withQueue("moving").withCountdown(Duration.ofSeconds(8))).get();
				assertThat(receipt.cluster()).isEqualTo("default");
			}
			// The queue moves while its countdowns wait in the default cluster's delay topics,
			// and its consumer there is drained and stopped.
			KafkaTasksEndpoint endpoint = app.getBean(KafkaTasksEndpoint.class);
			endpoint.route("queue", "moving", null, "east", null, null, null, null, null);
			endpoint.consumer("kafka", "moving", "drain", "default");
			await().atMost(TIMEOUT)
				.until(() -> endpoint.kafkaTasks()
					.consumers()
					.stream()
					.anyMatch((consumer) -> consumer.queue().equals("moving") && consumer.cluster().equals("default")
							&& consumer.state().equals("stopped")));
			await().atMost(TIMEOUT).until(() -> this.apps.journal().distinctRuns() == 10);
			assertThat(IntStream.range(0, 10).map((i) -> this.apps.journal().runs("add:" + i + "+2"))).containsOnly(1);
			assertThat(records(east, "moving")).isEqualTo(10);
			assertThat(records(TestKafka.bootstrapServers(), "moving")).as("due where the queue was routed").isZero();
		}
	}

	private long beatRuns() {
		return beatRunIds().size();
	}

	private List<String> beatRunIds() {
		return this.apps.journal()
			.entries()
			.stream()
			.filter((entry) -> entry.startsWith("context:kafka:") && entry.contains(":[beat]:"))
			.map((entry) -> entry.substring("context:kafka:".length(), entry.indexOf(":[beat]:")))
			.toList();
	}

	@Test
	void whenAClusterHasNoQueueYetThenItStillGetsTheTopicsThatLiveOnEveryCluster() throws Exception {
		String east = TestKafka.secondBootstrapServers();
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.enabled=false",
				"kafka-task.kafka.clusters.east.bootstrap-servers=" + east)) {
			// its reply and events readers find their topics as soon as a task goes there
			try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, east))) {
				await().atMost(TIMEOUT)
					.untilAsserted(() -> assertThat(admin.listTopics().names().get())
						.contains(this.apps.prefix() + "__replies", this.apps.prefix() + "__events")
						.noneMatch((topic) -> topic.equals(this.apps.topic("default"))));
			}
		}
	}

	@Test
	void whenAClusterIsDownThenOnlyItsDispatchesFailSayingWhichClusterAndTheOthersGoOn() throws Exception {
		String dead = "127.0.0.1:" + closedPort();
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.worker.enabled=false",
				"kafka-task.kafka.queues=alive", "kafka-task.kafka.clusters.dead.bootstrap-servers=" + dead,
				"kafka-task.kafka.clusters.dead.properties.[max.block.ms]=1500",
				"kafka-task.kafka.clusters.dead.properties.[default.api.timeout.ms]=1500",
				"kafka-task.kafka.clusters.dead.properties.[request.timeout.ms]=1500",
				"kafka-task.routing.queues.gone.cluster=dead")) {
			assertThat(app.getBean(ClusterTopics.class).isCreated("dead", "gone")).isFalse();
			assertThat(dispatch(app, "alive", null, 1).get().cluster()).isEqualTo("default");
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> dispatch(app, "gone", null, 2).get())
				.havingCause()
				.isInstanceOfSatisfying(ClusterSendException.class,
						(failure) -> assertThat(failure.getCluster()).isEqualTo("dead"))
				.withMessageContaining("Kafka cluster 'dead' did not take task 'it.add'")
				.withMessageContaining(this.apps.topic("gone"));
			assertThat(dispatch(app, "alive", null, 3).get().cluster()).as("the default cluster still takes tasks")
				.isEqualTo("default");
			assertThat(app.getBean(MeterRegistry.class)
				.get("kafka.task.dispatch.failures")
				.tags("queue", "gone", "cluster", "dead", "exception", "ClusterSendException")
				.counter()
				.count()).isEqualTo(1);
			CompositeHealthContributor clusters = (CompositeHealthContributor) KafkaTaskHealth.member(app,
					"clusters");
			Health health = ((HealthIndicator) clusters.getContributor("dead")).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(((HealthIndicator) KafkaTaskHealth.member(app, "kafka")).health().getStatus())
				.isEqualTo(Status.UP);
		}
	}

	private CompletableFuture<DispatchReceipt> dispatch(ConfigurableApplicationContext app, String queue,
			String key, int a) {
		TaskOptions options = TaskOptions.none().withQueue(queue).withKey(key);
		if (key != null) {
			options = options.withTaskId(key + "/" + java.util.UUID.randomUUID());
		}
		return app.getBean(TaskDispatcher.class).dispatch("it.add", List.of(a, 2), Map.of(), options);
	}

	private long records(String bootstrapServers, String queue) throws Exception {
		return TopicOffsets.records(bootstrapServers, this.apps.topic(queue));
	}

	private boolean topicExists(String bootstrapServers, String queue) throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
			return admin.listTopics().names().get().contains(this.apps.topic(queue));
		}
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
