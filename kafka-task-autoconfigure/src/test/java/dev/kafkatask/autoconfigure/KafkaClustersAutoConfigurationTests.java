package dev.kafkatask.autoconfigure;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationEvent;

import dev.kafkatask.kafka.KafkaClusters;
import dev.kafkatask.kafka.TaskEventLog;
import dev.kafkatask.kafka.worker.ClusterWorkers;
import dev.kafkatask.kafka.worker.KafkaTaskConsumers;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Ramp;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.TaskRouter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of named Kafka clusters ({@code kafka-task.kafka.clusters}): how they bind, the
 * routes that name them, and the configurations that startup refuses.
 *
 * @author kafka-task
 */
class KafkaClustersAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaTaskAutoConfiguration.class,
				KafkaTaskKafkaAutoConfiguration.class, KafkaTaskDispatchAutoConfiguration.class))
		.withPropertyValues(BrokerFree.PROPERTIES)
		.withPropertyValues("kafka-task.kafka.topic-prefix=autoconfig-clusters.",
				"kafka-task.kafka.clusters.east.bootstrap-servers=east-1:9092,east-2:9092");

	@Test
	void whenAClusterIsConfiguredThenItsProducerAndAdminAreTheDefaultClustersWithItsSettingsOverThem() {
		this.contextRunner
			.withPropertyValues("spring.kafka.producer.compression-type=lz4",
					"spring.kafka.properties.[sasl.mechanism]=SCRAM-SHA-512",
					"kafka-task.kafka.clusters.east.properties.[sasl.mechanism]=PLAIN",
					"kafka-task.kafka.clusters.east.properties.[security.protocol]=SASL_SSL")
			.run((context) -> {
				KafkaClusters.Cluster east = context.getBean(KafkaClusters.class).get("east");
				assertThat(east).isNotNull();
				Map<String, Object> producer = east.producer().getTemplate().getProducerFactory()
					.getConfigurationProperties();
				assertThat(producer).containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "east-1:9092,east-2:9092")
					.containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4")
					.containsEntry("sasl.mechanism", "PLAIN")
					.containsEntry(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL")
					.containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "kafka-task-producer-east");
				assertThat(east.adminConfiguration())
					.containsEntry(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "east-1:9092,east-2:9092")
					.containsEntry("sasl.mechanism", "PLAIN");
				assertThat(context.getBean(TaskRouter.class).clusters()).containsExactly("default", "east");
			});
	}

	@Test
	void whenRoutesNameClustersThenTheRouterSendsTheirQueuesThereWithTheRamp() {
		this.contextRunner
			.withPropertyValues("kafka-task.kafka.clusters.west.bootstrap-servers=west-1:9092",
					"kafka-task.routing.queues.orders.cluster=east",
					"kafka-task.routing.queues.orders.ramp.cluster=west",
					"kafka-task.routing.queues.orders.ramp.percent=10",
					"kafka-task.routing.tasks.[billing.charge].backend=kafka",
					"kafka-task.routing.tasks.[billing.charge].cluster=default")
			.run((context) -> {
				TaskRouter router = context.getBean(TaskRouter.class);
				assertThat(router.rules().queues().get("orders")).isEqualTo(
						new Route(Backend.KAFKA, "east", new Ramp(Backend.KAFKA, "west", 10), null,
								dev.kafkatask.routing.OnUnavailable.FAIL));
				assertThat(router.rules().tasks().get("billing.charge").cluster()).isEqualTo(Route.DEFAULT_CLUSTER);
			});
	}

	@Test
	void whenAClusterTakesTheDefaultClustersNameThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("kafka-task.kafka.clusters.default.bootstrap-servers=other:9092")
			.run((context) -> assertThat(failure(context)).hasMessageContaining("kafka-task.kafka.clusters.default")
				.hasMessageContaining("'default' is the name of the 'spring.kafka.*' cluster"));
	}

	@Test
	void whenTwoClustersHaveTheSameNameButForCaseThenStartupFailsNamingBoth() {
		this.contextRunner
			.withPropertyValues("kafka-task.kafka.clusters.East.bootstrap-servers=east-1:9092",
					"kafka-task.kafka.clusters.east.bootstrap-servers=east-2:9092")
			.run((context) -> assertThat(failure(context)).hasMessageContaining("kafka-task.kafka.clusters.")
				.hasMessageContaining("'East'")
				.hasMessageContaining("'east'")
				.hasMessageContaining("differ only in case"));
	}

	@Test
	void whenAClusterNameIsNotAKafkaClientIdPartThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("kafka-task.kafka.clusters.[eu west].bootstrap-servers=west-1:9092")
			.run((context) -> assertThat(failure(context)).hasMessageContaining("kafka-task.kafka.clusters.[eu west]")
				.hasMessageContaining("letters, digits, '.', '_' and '-'"));
	}

	@Test
	void whenAClusterHasNoBootstrapServersThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("kafka-task.kafka.clusters.west.properties.[acks]=1")
			.run((context) -> assertThat(failure(context))
				.hasMessageContaining("kafka-task.kafka.clusters.west.bootstrap-servers")
				.hasMessageContaining("Kafka cluster 'west' needs its bootstrap servers"));
	}

	@Test
	void whenARouteOrARampNamesAnUnknownClusterThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("kafka-task.routing.queues.orders.cluster=west")
			.run((context) -> assertThat(failure(context))
				.hasMessageContaining("kafka-task.routing.queues.orders.cluster")
				.hasMessageContaining("No Kafka cluster 'west' under kafka-task.kafka.clusters; known: [default, east]"));
		this.contextRunner
			.withPropertyValues("kafka-task.routing.tasks.[billing.charge].ramp.cluster=west",
					"kafka-task.routing.tasks.[billing.charge].ramp.percent=10")
			.run((context) -> assertThat(failure(context))
				.hasMessageContaining("kafka-task.routing.tasks.[billing.charge].ramp.cluster"));
	}

	@Test
	void whenARouteNamesAClusterForRabbitThenStartupFailsNamingTheRoute() {
		this.contextRunner
			.withPropertyValues("kafka-task.routing.queues.celery.backend=rabbitmq",
					"kafka-task.routing.queues.celery.cluster=east")
			.run((context) -> assertThat(failure(context)).hasMessageContaining("kafka-task.routing.queues.celery")
				.hasMessageContaining("kafka only"));
	}

	@Test
	void whenTheEnvironmentIsRefreshedThenRoutesMoveBetweenClustersAndAnUnknownClusterIsRefused() {
		this.contextRunner.run((context) -> {
			TaskRouter router = context.getBean(TaskRouter.class);
			RoutingRulesRefresher refresher = context.getBean(RoutingRulesRefresher.class);
			TestPropertyValues.of("kafka-task.routing.queues.orders.cluster=east").applyTo(context);
			refresher.onApplicationEvent(new RefreshEvent());
			assertThat(router.route("t", "orders", "id", null).cluster()).isEqualTo("east");
			TestPropertyValues.of("kafka-task.routing.queues.orders.cluster=west").applyTo(context);
			assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
				.isThrownBy(() -> refresher.onApplicationEvent(new RefreshEvent()))
				.withMessageContaining("kafka-task.routing.queues.orders.cluster");
			assertThat(router.route("t", "orders", "id", null).cluster()).as("the rules in force stay")
				.isEqualTo("east");
		});
	}

	@Test
	void whenAClusterIsConfiguredThenTaskEventsAreWrittenAndReadOnItsEventsTopicToo() {
		this.contextRunner.run((context) -> {
			TaskEventLog events = context.getBean(TaskEventLog.class);
			assertThat(events.clusters()).containsExactly("default", "east");
			assertThat(events.getTopic()).isEqualTo("autoconfig-clusters.__events");
		});
		this.contextRunner.withPropertyValues("kafka-task.events.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TaskEventLog.class));
	}

	@Test
	void whenNoClusterIsConfiguredThenThereAreNoneBesidesTheDefault() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaTaskAutoConfiguration.class,
					KafkaTaskKafkaAutoConfiguration.class))
			.withPropertyValues(BrokerFree.PROPERTIES)
			.run((context) -> {
				assertThat(context.getBean(KafkaClusters.class).names()).isEmpty();
				assertThat(context.getBean(TaskRouter.class).clusters()).isEqualTo(java.util.Set.of("default"));
			});
	}

	@Test
	void whenTheWorkerConsumesANamedClusterThenItHasAWorkerThereInTheSameGroupAndAConsumerPerCluster() {
		this.contextRunner
			.withPropertyValues("kafka-task.worker.clusters=default,east", "kafka-task.worker.queues=orders",
					"kafka-task.worker.group-id=billing")
			.run((context) -> {
				ClusterWorkers workers = context.getBean(ClusterWorkers.class);
				assertThat(workers.all()).extracting(ClusterWorkers.ClusterWorker::cluster).containsExactly("east");
				ClusterWorkers.ClusterWorker east = workers.get("east");
				assertThat(east.worker().getSettings().groupId()).isEqualTo("billing");
				assertThat(east.delays().getGroupId()).isEqualTo("billing.delays");
				assertThat(workers.isAutoStartup()).as("as the default worker: auto-startup=false").isFalse();
				KafkaTaskConsumers consumers = context.getBean(KafkaTaskConsumers.class);
				assertThat(consumers.consumer("east", "orders").cluster()).isEqualTo("east");
				assertThat(consumers.consumer(null, "orders").cluster()).isEqualTo(Route.DEFAULT_CLUSTER);
				assertThatExceptionOfType(IllegalArgumentException.class)
					.isThrownBy(() -> consumers.consumer("west", "orders"))
					.withMessageContaining("consumes no Kafka cluster 'west'");
			});
	}

	@Test
	void whenTheWorkerConsumesOnlyTheDefaultClusterThenThereIsNoOtherWorker() {
		this.contextRunner.run((context) -> assertThat(context.getBean(ClusterWorkers.class).all()).isEmpty());
	}

	@Test
	void whenTheWorkerNamesAnUnknownClusterOrLeavesOutTheDefaultOneThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("kafka-task.worker.clusters=default,west")
			.run((context) -> assertThat(failure(context)).hasMessageContaining("kafka-task.worker.clusters")
				.hasMessageContaining("No Kafka cluster 'west'"));
		this.contextRunner.withPropertyValues("kafka-task.worker.clusters=east")
			.run((context) -> assertThat(failure(context)).hasMessageContaining("kafka-task.worker.clusters")
				.hasMessageContaining("The worker always consumes the 'default' cluster"));
	}

	private static Throwable failure(AssertableApplicationContext context) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		while (failure.getCause() != null && !(failure instanceof InvalidConfigurationPropertyValueException)) {
			failure = failure.getCause();
		}
		assertThat(failure).isInstanceOf(InvalidConfigurationPropertyValueException.class);
		return failure;
	}

	private static final class RefreshEvent extends ApplicationEvent {

		RefreshEvent() {
			super(List.of());
		}

	}

}
