package dev.kafkatask.integration;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTaskKafkaHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskRabbitHealthIndicator;
import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.rabbit.RabbitQueueConsumer;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.test.KafkaTaskHealth;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.SharedRabbitMq;
import dev.kafkatask.test.TestRabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health of the Kafka leg, the RabbitMQ leg and each RabbitMQ queue's consumer, on the
 * shared Kafka broker and the shared RabbitMQ ({@link TestRabbit}).
 * Brokers are lost through a closed port or a {@link TcpProxy}, never by stopping the ones
 * other tests share. Each test uses queues of its own and deletes them afterwards.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@SharedRabbitMq
class BackendHealthIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	private final String queue = this.apps.prefix() + "celery";

	private final String otherQueue = this.apps.prefix() + "later";

	private final RabbitTestQueues rabbit = new RabbitTestQueues(this.queue, this.otherQueue);

	@AfterEach
	void deleteQueues() {
		this.rabbit.close();
	}

	@Test
	void whenKafkaAnswersThenTheKafkaLegIsUpWithTheClusterIdAndItsBrokers() {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			Health health = indicator(app, "kafka").health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat((String) health.getDetails().get("clusterId")).isNotBlank();
			assertThat((Integer) health.getDetails().get("nodes")).isGreaterThanOrEqualTo(1);
		}
	}

	@Test
	void whenNothingListensThenTheKafkaLegIsDownWithinItsTimeout() throws Exception {
		KafkaTaskKafkaHealthIndicator indicator = new KafkaTaskKafkaHealthIndicator(
				Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closedPort()), Duration.ofMillis(500));
		try {
			Instant start = Instant.now();
			Health health = indicator.health();
			assertThat(Duration.between(start, Instant.now())).isLessThan(KafkaTaskKafkaHealthIndicator.DEFAULT_TIMEOUT);
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) health.getDetails().get("error"))
				.startsWith("org.apache.kafka.common.errors.TimeoutException");
		}
		finally {
			indicator.destroy();
		}
	}

	@Test
	void whenRabbitAnswersThenTheRabbitLegIsUpWithTheServerVersion() {
		try (ConfigurableApplicationContext app = this.apps.start()) {
			Health health = indicator(app, "rabbit").health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			String serverVersion = this.rabbit.template().execute(
					(channel) -> channel.getConnection().getServerProperties().get("version").toString());
			assertThat(health.getDetails()).containsEntry("version", serverVersion);
		}
	}

	@Test
	void whenRabbitPortIsClosedThenTheRabbitLegIsDown() throws Exception {
		CachingConnectionFactory closed = new CachingConnectionFactory("127.0.0.1", closedPort());
		try {
			Health health = new KafkaTaskRabbitHealthIndicator(closed).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat((String) health.getDetails().get("error")).contains("Connection refused");
		}
		finally {
			closed.destroy();
		}
	}

	@Test
	void whenQueueConsumerRunsThenItIsUpWithItsStateAndConsumers() {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue(),
				"kafka-task.rabbitmq.concurrency=2")) {
			Health health = queueHealth(app, this.queue);
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("state", "running")
				.containsEntry("inFlight", 0)
				.containsEntry("activeConsumers", 2)
				.doesNotContainKey("reason");
		}
	}

	@Test
	void whenListenerContainerIsStoppedBehindKafkaTasksBackThenTheQueueConsumerIsDown() {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue())) {
			assertThat(queueHealth(app, this.queue).getStatus()).isEqualTo(Status.UP);
			RabbitQueueConsumer consumer = (RabbitQueueConsumer) app.getBean(TaskConsumers.class)
				.consumer(Backend.RABBITMQ, this.queue);
			consumer.container().stop();
			await().atMost(TIMEOUT).until(() -> queueHealth(app, this.queue).getStatus().equals(Status.DOWN));
			Health down = queueHealth(app, this.queue);
			assertThat(down.getDetails()).containsEntry("state", "running").containsEntry("activeConsumers", 0);
			assertThat((String) down.getDetails().get("reason"))
				.isEqualTo("The consumer of queue '" + this.queue + "' is running but its listener container is not running");
			assertThat(KafkaTaskHealth.member(app, "rabbitConsumers")).isInstanceOf(CompositeHealthContributor.class);
		}
	}

	@Test
	void whenQueueConsumerIsPausedThroughKafkaTaskThenItIsUp() {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue())) {
			TaskConsumer consumer = app.getBean(TaskConsumers.class).consumer(Backend.RABBITMQ, this.queue);
			consumer.pause();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				Health health = queueHealth(app, this.queue);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("state", "paused").containsEntry("activeConsumers", 0);
			});
		}
	}

	@Test
	void whenQueueConsumerIsPausedWhileATaskStillRunsThenItIsUpAndPausedAtOnce() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue(),
				"kafka-task.rabbitmq.concurrency=1")) {
			TaskConsumer consumer = app.getBean(TaskConsumers.class).consumer(Backend.RABBITMQ, this.queue);
			app.getBean(TaskDispatcher.class)
				.dispatch("it.block", List.of("pause"), Map.of(), TaskOptions.none().withQueue(this.queue))
				.get();
			await().atMost(TIMEOUT).until(() -> consumer.inFlight() == 1);
			// Pausing waits for the running task: the container is stopping all that time.
			Thread pausing = Thread.ofVirtual().start(consumer::pause);
			await().atMost(TIMEOUT).until(() -> !((RabbitQueueConsumer) consumer).container().isActive());
			assertThat(queueHealth(app, this.queue).getStatus()).isEqualTo(Status.UP);
			assertThat(queueHealth(app, this.queue).getDetails()).containsEntry("state", "paused");
			this.apps.journal().release();
			pausing.join(TIMEOUT);
			assertThat(queueHealth(app, this.queue).getStatus()).isEqualTo(Status.UP);
		}
	}

	@Test
	void whenConsumerIsCreatedAtRuntimeThenItShowsUp() {
		try (ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue())) {
			assertThat(queueNames(app)).containsExactly(this.queue);
			TaskConsumer later = app.getBean(TaskConsumers.class).consumer(Backend.RABBITMQ, this.otherQueue);
			assertThat(queueNames(app)).containsExactlyInAnyOrder(this.queue, this.otherQueue);
			assertThat(queueHealth(app, this.otherQueue).getDetails()).containsEntry("state", "stopped");
			assertThat(queueHealth(app, this.otherQueue).getStatus()).isEqualTo(Status.UP);
			later.start();
			await().atMost(TIMEOUT).untilAsserted(() -> {
				Health health = queueHealth(app, this.otherQueue);
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getDetails()).containsEntry("state", "running");
			});
		}
	}

	@Test
	void whenTheConnectionToRabbitIsLostThenTheQueueConsumerAndTheRabbitLegAreDownUntilItIsBack() throws Exception {
		try (TcpProxy proxy = new TcpProxy(TestRabbit.host(), TestRabbit.port());
				ConfigurableApplicationContext app = this.apps.start(routeQueueToRabbit(), consumeQueue(),
						"spring.rabbitmq.host=127.0.0.1", "spring.rabbitmq.port=" + proxy.port())) {
			assertThat(queueHealth(app, this.queue).getStatus()).isEqualTo(Status.UP);
			assertThat(indicator(app, "rabbit").health().getStatus()).isEqualTo(Status.UP);
			proxy.cut();
			await().atMost(TIMEOUT).until(() -> queueHealth(app, this.queue).getStatus().equals(Status.DOWN));
			Health down = queueHealth(app, this.queue);
			assertThat(down.getDetails()).containsEntry("state", "running").containsEntry("activeConsumers", 0);
			assertThat((String) down.getDetails().get("reason")).contains("has no active consumers");
			assertThat(indicator(app, "rabbit").health().getStatus()).isEqualTo(Status.DOWN);
			proxy.restore();
			await().atMost(TIMEOUT).until(() -> queueHealth(app, this.queue).getStatus().equals(Status.UP));
			assertThat(indicator(app, "rabbit").health().getStatus()).isEqualTo(Status.UP);
		}
	}

	private String routeQueueToRabbit() {
		return "kafka-task.routing.queues.[" + this.queue + "].backend=rabbitmq";
	}

	private String consumeQueue() {
		return "kafka-task.rabbitmq.queues=" + this.queue;
	}

	private static HealthContributorRegistry registry(ConfigurableApplicationContext app) {
		return app.getBean(HealthContributorRegistry.class);
	}

	private static HealthIndicator indicator(ConfigurableApplicationContext app, String name) {
		return KafkaTaskHealth.indicator(app, name);
	}

	private static CompositeHealthContributor queueConsumers(ConfigurableApplicationContext app) {
		return (CompositeHealthContributor) KafkaTaskHealth.member(app, "rabbitConsumers");
	}

	private static Health queueHealth(ConfigurableApplicationContext app, String queue) {
		HealthIndicator indicator = (HealthIndicator) queueConsumers(app).getContributor(queue);
		assertThat(indicator).as("health of the consumer of queue '%s'", queue).isNotNull();
		return indicator.health();
	}

	private static java.util.List<String> queueNames(ConfigurableApplicationContext app) {
		return queueConsumers(app).stream().map(HealthContributors.Entry::name).toList();
	}

	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
