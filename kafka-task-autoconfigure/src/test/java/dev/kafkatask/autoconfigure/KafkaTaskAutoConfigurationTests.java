package dev.kafkatask.autoconfigure;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaConsumerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.dispatch.TaskClientFactory;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.execution.RunResult;
import dev.kafkatask.execution.TaskInvoker;
import dev.kafkatask.execution.TaskRunner;
import dev.kafkatask.execution.pinning.CarrierPinningDetector;
import dev.kafkatask.kafka.KafkaTaskProducer;
import dev.kafkatask.kafka.KafkaTaskTransport;
import dev.kafkatask.kafka.TopicProvisioner;
import dev.kafkatask.kafka.worker.DelayForwarder;
import dev.kafkatask.kafka.worker.OrderingMode;
import dev.kafkatask.kafka.worker.StallDetector;
import dev.kafkatask.kafka.worker.ConsumptionMode;
import dev.kafkatask.kafka.worker.ShareConsumption;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.kafka.worker.WorkerSettings;
import dev.kafkatask.metrics.KafkaTaskMetrics;
import dev.kafkatask.metrics.KafkaTaskStateMetrics;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.observation.TaskExecutionObservationConvention;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskRegistrationException;
import dev.kafkatask.task.TaskRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for kafka-task's auto-configurations.
 *
 * @author kafka-task
 */
class KafkaTaskAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaTaskAutoConfiguration.class,
				KafkaTaskKafkaAutoConfiguration.class, KafkaTaskDispatchAutoConfiguration.class,
				KafkaTaskMetricsAutoConfiguration.class))
		.withPropertyValues(BrokerFree.PROPERTIES)
		.withPropertyValues("kafka-task.kafka.topic-prefix=autoconfig.");

	@Test
	void whenBootOrTheApplicationCustomizesKafkaFactoriesThenKafkaTasksFactoriesAreCustomizedToo() {
		List<Object> producers = new CopyOnWriteArrayList<>();
		List<Object> consumers = new CopyOnWriteArrayList<>();
		this.contextRunner
			.withBean(DefaultKafkaProducerFactoryCustomizer.class,
					() -> (factory) -> producers.add(factory.getConfigurationProperties().get(ProducerConfig.CLIENT_ID_CONFIG)))
			.withBean(DefaultKafkaConsumerFactoryCustomizer.class,
					() -> (factory) -> consumers.add(String.valueOf(factory.getValueDeserializer())))
			.run((context) -> {
				assertThat(context).hasSingleBean(KafkaTaskProducer.class);
				assertThat(producers).contains("kafka-task-producer");
				// the reply listener's and the delay forwarder's, and the worker's when it starts
				assertThat(consumers.stream().filter((deserializer) -> ((String) deserializer)
					.contains("ByteArrayDeserializer"))).hasSizeGreaterThanOrEqualTo(2);
			});
	}

	@Test
	void whenStarterIsPresentThenTaskBeansAreCreated() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(TaskRegistry.class);
			assertThat(context).hasSingleBean(EnvelopeCodec.class);
			assertThat(context).hasSingleBean(TaskInvoker.class);
			assertThat(context).hasSingleBean(KafkaTaskTransport.class);
			assertThat(context).hasSingleBean(TopicProvisioner.class);
			assertThat(context).hasSingleBean(TaskWorker.class);
			assertThat(context).hasSingleBean(TaskDispatcher.class);
			assertThat(context).hasSingleBean(TaskClientFactory.class);
			assertThat(context).doesNotHaveBean(KafkaTaskMetrics.class);
		});
	}

	@Test
	void whenUserDefinesDispatcherThenAutoConfigurationBacksOff() {
		TaskDispatcher own = mock(TaskDispatcher.class);
		this.contextRunner.withBean(TaskDispatcher.class, () -> own)
			.run((context) -> assertThat(context).getBean(TaskDispatcher.class).isSameAs(own));
	}

	@Test
	void whenUserDefinesRegistryThenItIsUsed() {
		TaskRegistry own = new TaskRegistry();
		this.contextRunner.withBean(TaskRegistry.class, () -> own)
			.run((context) -> assertThat(context).getBean(TaskRegistry.class).isSameAs(own));
	}

	@Test
	void whenDisabledThenNoTaskBeansAreCreated() {
		this.contextRunner.withPropertyValues("kafka-task.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(TaskRegistry.class);
			assertThat(context).doesNotHaveBean(TaskDispatcher.class);
			assertThat(context).doesNotHaveBean(TaskWorker.class);
		});
	}

	@Test
	void whenWorkerIsDisabledThenDispatcherRemainsWithoutContainer() {
		this.contextRunner.withPropertyValues("kafka-task.worker.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TaskWorker.class);
			assertThat(context).hasSingleBean(TaskDispatcher.class);
		});
	}

	@Test
	void whenWorkerPropertiesAreSetThenContainerUsesThem() {
		this.contextRunner
			.withPropertyValues("kafka-task.worker.group-id=billing-workers", "kafka-task.worker.max-in-flight=32",
					"kafka-task.worker.shutdown-timeout=5s")
			.run((context) -> {
				TaskWorker container = context.getBean(TaskWorker.class);
				assertThat(container.getSettings().groupId()).isEqualTo("billing-workers");
				assertThat(container.getSettings().maxInFlight()).isEqualTo(32);
				assertThat(container.getSettings().shutdownTimeout()).hasSeconds(5);
			});
	}

	@Test
	void whenTaskWorkerCustomizersAreDefinedThenTheyRunInOrderAfterTheProperties() {
		List<String> calls = new CopyOnWriteArrayList<>();
		ThreadFactory threads = Thread.ofVirtual().name("custom-", 0).factory();
		this.contextRunner
			.withPropertyValues("kafka-task.worker.platform-threads=3", "kafka-task.worker.group-protocol=classic")
			.withBean("second", TaskWorkerCustomizer.class, () -> new OrderedCustomizer(2, (worker) -> calls.add("second")))
			.withBean("first", TaskWorkerCustomizer.class, () -> new OrderedCustomizer(1, (worker) -> {
				calls.add("first");
				worker.setTaskThreadFactory(threads);
				worker.setAutoStartup(true);
			}))
			.run((context) -> {
				assertThat(calls).containsExactly("first", "second");
				// auto-startup=false came from the properties, and the customizer came after them
				assertThat(context.getBean(TaskWorker.class).isAutoStartup()).isTrue();
			});
	}

	@Test
	void whenTheApplicationDefinesItsOwnWorkerWithTheConfigurerThenItGetsThePropertiesAndTheCustomizers() {
		List<TaskWorker> customized = new CopyOnWriteArrayList<>();
		this.contextRunner.withPropertyValues("kafka-task.worker.group-id=own", "kafka-task.worker.max-in-flight=7")
			.withBean(TaskWorkerCustomizer.class, () -> customized::add)
			.withUserConfiguration(OwnWorkerConfiguration.class)
			.run((context) -> {
				TaskWorker worker = context.getBean(TaskWorker.class);
				assertThat(context).getBean("ownWorker").isSameAs(worker);
				assertThat(worker.getSettings().groupId()).isEqualTo("own");
				assertThat(worker.getSettings().maxInFlight()).isEqualTo(7);
				assertThat(worker.isAutoStartup()).isFalse();
				assertThat(worker.getRecordHandler())
					.isSameAs(context.getBean(TaskWorkerConfigurer.class).recordHandler());
				assertThat(customized).containsExactly(worker);
			});
	}

	@Test
	void whenWorkerAutoStartupIsOffThenNeitherTheWorkerNorItsDelayForwarderStarts() {
		this.contextRunner.run((context) -> {
			assertThat(context.getBean(TaskWorker.class).isRunning()).isFalse();
			assertThat(context.getBean(DelayForwarder.class).isAutoStartup()).isFalse();
			assertThat(context.getBean(DelayForwarder.class).isRunning()).isFalse();
		});
	}

	@Test
	void whenWorkerAutoStartupIsOnThenTheWorkerStartsWithTheContext() {
		// 'classic': no broker is asked for its group protocol; the consumer polls in the background
		this.contextRunner
			.withPropertyValues("kafka-task.worker.auto-startup=true", "kafka-task.worker.group-protocol=classic")
			.run((context) -> {
				assertThat(context.getBean(TaskWorker.class).isRunning()).isTrue();
				assertThat(context.getBean(DelayForwarder.class).isAutoStartup()).isTrue();
			});
	}

	@Test
	void whenAGroupInstanceIdIsSetThenTheWorkersConsumerIsAStaticMember() {
		this.contextRunner
			.withPropertyValues("kafka-task.worker.group-instance-id=worker-0", "kafka-task.worker.group-protocol=classic")
			.run((context) -> {
				Map<String, Object> config = context.getBean(TaskWorkerConfigurer.class)
					.consumerFactory()
					.get()
					.getConfigurationProperties();
				assertThat(config).containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "worker-0")
					.containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
			});
		this.contextRunner.withPropertyValues("kafka-task.worker.group-protocol=classic")
			.run((context) -> assertThat(context.getBean(TaskWorkerConfigurer.class)
				.consumerFactory()
				.get()
				.getConfigurationProperties()).doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
	}

	@Test
	void whenGroupProtocolIsUnknownThenStartupFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("kafka-task.worker.group-protocol=streams")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("kafka-task.worker.group-protocol"));
	}

	@Test
	void whenAQueueIsConsumedByAShareGroupThenItsTopicsAreAndTheShareConsumersAreConfiguredForIt() {
		this.contextRunner
			.withPropertyValues("kafka-task.worker.group-id=orders", "kafka-task.worker.mode.emails=share",
					"kafka-task.worker.share.consumers=4", "kafka-task.worker.max-in-flight=100",
					"kafka-task.kafka.priority-queues=emails")
			.run((context) -> {
				TaskWorker worker = context.getBean(TaskWorker.class);
				assertThat(worker.getConsumptionMode("autoconfig.emails")).isEqualTo(ConsumptionMode.SHARE);
				assertThat(worker.getConsumptionMode("autoconfig.emails.high")).isEqualTo(ConsumptionMode.SHARE);
				assertThat(worker.getConsumptionMode("autoconfig.default")).isEqualTo(ConsumptionMode.GROUP);
				ShareConsumption share = context.getBean(TaskWorkerConfigurer.class).share();
				assertThat(share).isNotNull();
				assertThat(share.settings().groupId()).isEqualTo("orders-share");
				assertThat(share.settings().consumers()).isEqualTo(4);
				assertThat(share.settings().maxPollRecords()).as("max-in-flight among the consumers").isEqualTo(25);
				assertThat(share.settings().maxDeliveries()).isEqualTo(4);
			});
		this.contextRunner.run((context) -> assertThat(context.getBean(TaskWorkerConfigurer.class).share()).isNull());
	}

	@Test
	void whenAShareQueueIsOrderedThenStartupFailsNamingTheProperties() {
		this.contextRunner.withPropertyValues("kafka-task.worker.mode.emails=share", "kafka-task.worker.ordering.emails=key")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("kafka-task.worker.mode.emails")
				.hasStackTraceContaining("kafka-task.worker.ordering.emails"));
		this.contextRunner
			.withPropertyValues("kafka-task.worker.default-mode=share", "kafka-task.worker.default-ordering=partition")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("kafka-task.worker.default-mode")
				.hasStackTraceContaining("kafka-task.worker.default-ordering"));
		this.contextRunner.withPropertyValues("kafka-task.worker.default-mode=share", "kafka-task.worker.ordering.audit=key")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("queue 'audit'")
				.hasStackTraceContaining("kafka-task.worker.ordering.audit"));
		this.contextRunner
			.withPropertyValues("kafka-task.worker.default-mode=share", "kafka-task.worker.ordering.audit=key",
					"kafka-task.worker.mode.audit=group")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void whenGroupIdIsNotSetThenApplicationNameIsUsed() {
		this.contextRunner.withPropertyValues("spring.application.name=orders")
			.run((context) -> assertThat(context.getBean(TaskWorker.class).getSettings().groupId())
				.isEqualTo("orders"));
	}

	@Test
	void whenPinningDetectionIsOnThenDetectorIsCreated() {
		this.contextRunner.withPropertyValues("kafka-task.worker.pinning.enabled=true",
				"kafka-task.worker.pinning.threshold=50ms")
			.run((context) -> assertThat(context).hasSingleBean(CarrierPinningDetector.class));
	}

	@Test
	void whenPinningDetectionIsOffThenNoDetectorIsCreated() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(CarrierPinningDetector.class));
	}

	@Test
	void whenOrderingAndLimitsAreSetThenContainerUsesThem() {
		this.contextRunner
			.withPropertyValues("kafka-task.worker.default-ordering=key", "kafka-task.worker.ordering.billing=partition",
					"kafka-task.worker.max-in-flight-per-partition=4", "kafka-task.worker.revoke-timeout=3s")
			.run((context) -> {
				WorkerSettings settings = context.getBean(TaskWorker.class).getSettings();
				assertThat(settings.orderingOf("autoconfig.billing")).isEqualTo(OrderingMode.PARTITION);
				assertThat(settings.orderingOf("autoconfig.orders")).isEqualTo(OrderingMode.KEY);
				assertThat(settings.maxInFlightPerPartition()).isEqualTo(4);
				assertThat(settings.revokeTimeout()).hasSeconds(3);
			});
	}

	@Test
	void whenMeterRegistryIsPresentThenMetricsAreConfigured() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(KafkaTaskMetrics.class);
			assertThat(context).hasSingleBean(KafkaTaskStateMetrics.class);
			assertThat(context).hasSingleBean(StallDetector.class);
		});
	}

	@Test
	void whenUserDefinesStateMetricsThenAutoConfigurationBacksOff() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean("myStateMetrics", KafkaTaskStateMetrics.class, () -> mock(KafkaTaskStateMetrics.class))
			.run((context) -> assertThat(context).getBeans(KafkaTaskStateMetrics.class).containsOnlyKeys("myStateMetrics"));
	}

	@Test
	void whenOwnersAreConfiguredThenTaskPropertyBeatsAnnotationBeatsQueue() {
		this.contextRunner
			.withPropertyValues("kafka-task.tasks.[owned.by-property].owner=payments",
					"kafka-task.queue-owners.orders=orders-team")
			.withBean(OwnedTasks.class)
			.run((context) -> {
				TaskOwners owners = context.getBean(TaskOwners.class);
				assertThat(owners.ofTask("owned.by-property", "orders")).isEqualTo("payments");
				assertThat(owners.ofTask("owned.by-annotation", "orders")).isEqualTo("search");
				assertThat(owners.ofTask("owned.by-queue", "orders")).isEqualTo("orders-team");
				assertThat(owners.ofTask("owned.by-queue", "other")).isEqualTo(TaskOwners.UNOWNED);
				assertThat(owners.ofTask("not.registered", "orders")).isEqualTo("orders-team");
				// 'owner' is not a Celery option: it does not reach the task's options
				assertThat(context.getBean(TaskOptionResolver.class).taskOptions("owned.by-property")).isEmpty();
			});
	}

	@Test
	void whenTaskMethodsAreDeclaredThenTheyAreRegistered() {
		this.contextRunner.withUserConfiguration(TasksConfiguration.class)
			.withPropertyValues("kafka-task.worker.enabled=false")
			.run((context) -> assertThat(context.getBean(TaskRegistry.class).find("GoodTasks.work")).isNotNull());
	}

	@Test
	void whenTaskParameterIsNotJsonThenStartupFailsNamingTheMethod() {
		this.contextRunner.withUserConfiguration(BadTasksConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(TaskRegistrationException.class)
				.hasMessageContaining(BadTasks.class.getName() + ".work(..)");
		});
	}

	@Test
	void whenTheApplicationHasATracerThenRunsAndDispatchesAreObservedWithTheUsersConvention() {
		List<String> observed = new CopyOnWriteArrayList<>();
		this.contextRunner.withUserConfiguration(TasksConfiguration.class)
			.withPropertyValues("kafka-task.worker.enabled=false",
					"kafka-task.routing.tasks.[GoodTasks.work].backend=rabbitmq")
			.withBean(ObservationRegistry.class, () -> recordingRegistry(observed))
			.withBean(Tracer.class, () -> Tracer.NOOP)
			.withBean(TaskExecutionObservationConvention.class, () -> new TaskExecutionObservationConvention() {

				@Override
				public String getName() {
					return "custom.execution";
				}

			})
			.run((context) -> {
				runAndDispatch(context);
				assertThat(observed).containsExactly("custom.execution", "kafkatask.dispatch");
			});
	}

	@Test
	void whenTheApplicationHasNoTracerThenRunsAndDispatchesAreObservedOnlyIfEnabled() {
		List<String> observed = new CopyOnWriteArrayList<>();
		ApplicationContextRunner withoutTracer = this.contextRunner.withUserConfiguration(TasksConfiguration.class)
			.withPropertyValues("kafka-task.worker.enabled=false",
					"kafka-task.routing.tasks.[GoodTasks.work].backend=rabbitmq")
			.withBean(ObservationRegistry.class, () -> recordingRegistry(observed));
		withoutTracer.run((context) -> {
			runAndDispatch(context);
			assertThat(observed).isEmpty();
		});
		withoutTracer.withPropertyValues("kafka-task.observation.enabled=true").run((context) -> {
			runAndDispatch(context);
			assertThat(observed).containsExactly("kafkatask.execution", "kafkatask.dispatch");
		});
	}

	@Test
	void whenObservationIsDisabledThenRunsAndDispatchesAreNotObserved() {
		List<String> observed = new CopyOnWriteArrayList<>();
		this.contextRunner.withUserConfiguration(TasksConfiguration.class)
			.withPropertyValues("kafka-task.worker.enabled=false",
					"kafka-task.routing.tasks.[GoodTasks.work].backend=rabbitmq", "kafka-task.observation.enabled=false")
			.withBean(ObservationRegistry.class, () -> recordingRegistry(observed))
			.withBean(Tracer.class, () -> Tracer.NOOP)
			.run((context) -> {
				runAndDispatch(context);
				assertThat(observed).isEmpty();
			});
	}

	/**
	 * Run the task once, and dispatch it to RabbitMQ, which this application has no
	 * transport for: a dispatch observed to its (failed) end at once.
	 */
	private static void runAndDispatch(AssertableApplicationContext context) {
		TaskRunner runner = context.getBean(TaskRunner.class);
		TaskEnvelope envelope = new TaskEnvelope("observed-1", "GoodTasks.work",
				List.of(JsonNodeFactory.instance.stringNode("x")), Map.of(), Map.of(), Map.of(), Instant.now(), 0);
		assertThat(runner.run(runner.prepare(envelope, "default", Backend.KAFKA)).status())
			.isEqualTo(RunResult.Status.SUCCEEDED);
		assertThat(context.getBean(TaskDispatcher.class)
			.dispatch("GoodTasks.work", List.of("x"), Map.of(), TaskOptions.none())).isCompletedExceptionally();
	}

	private static ObservationRegistry recordingRegistry(List<String> observed) {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				observed.add(context.getName());
			}

		});
		return registry;
	}

	@Configuration(proxyBeanMethods = false)
	static class TasksConfiguration {

		@Bean
		GoodTasks goodTasks() {
			return new GoodTasks();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadTasksConfiguration {

		@Bean
		BadTasks badTasks() {
			return new BadTasks();
		}

	}

	public static class GoodTasks {

		@KafkaTask
		public void work(String input) {
		}

	}

	public static class BadTasks {

		@KafkaTask
		public void work(Thread thread) {
		}

	}

	static class OwnedTasks {

		@KafkaTask(name = "owned.by-property", queue = "orders", owner = "search")
		public void byProperty() {
		}

		@KafkaTask(name = "owned.by-annotation", queue = "orders", owner = "search")
		public void byAnnotation() {
		}

		@KafkaTask(name = "owned.by-queue", queue = "orders")
		public void byQueue() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnWorkerConfiguration {

		@Bean
		TaskWorker ownWorker(TaskWorkerConfigurer configurer) {
			TaskWorker worker = new TaskWorker(configurer.settings(), configurer.consumerFactory(),
					configurer.topics(), configurer.recordHandler(), configurer.observer());
			configurer.configure(worker);
			return worker;
		}

	}

	record OrderedCustomizer(int order, TaskWorkerCustomizer delegate) implements TaskWorkerCustomizer, Ordered {

		@Override
		public void customize(TaskWorker worker) {
			this.delegate.customize(worker);
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

}
