package dev.kafkatask.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.celery.CeleryMessageCodec;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.options.TaskOption;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.options.UnsupportedOptionPolicy;
import dev.kafkatask.rabbit.RabbitDeadLetterQueues;
import dev.kafkatask.rabbit.RabbitQueues;
import dev.kafkatask.rabbit.RabbitTaskConsumers;
import dev.kafkatask.rabbit.RabbitTaskTransport;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.RoutingRules;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.KafkaTask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for the auto-configurations of the RabbitMQ leg, the router, the option resolver
 * and the {@code kafkatasks} endpoint.
 *
 * @author kafka-task
 */
class KafkaTaskRabbitAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, RabbitAutoConfiguration.class,
				KafkaTaskAutoConfiguration.class, KafkaTaskKafkaAutoConfiguration.class,
				KafkaTaskRabbitAutoConfiguration.class, KafkaTaskDispatchAutoConfiguration.class,
				KafkaTaskEndpointAutoConfiguration.class))
		.withPropertyValues(BrokerFree.PROPERTIES)
		.withPropertyValues("kafka-task.kafka.topic-prefix=autoconfig-rabbit.", "kafka-task.worker.enabled=false");

	@Test
	void whenSpringAmqpIsPresentThenTheRabbitLegIsConfigured() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(CeleryMessageCodec.class);
			assertThat(context).hasSingleBean(RabbitQueues.class);
			assertThat(context).hasSingleBean(RabbitTaskTransport.class);
			assertThat(context).hasSingleBean(RabbitTaskConsumers.class);
			assertThat(context).hasSingleBean(RabbitDeadLetterQueues.class);
			assertThat(context).hasSingleBean(TaskRouter.class);
			assertThat(context).hasSingleBean(TaskOptionResolver.class);
			assertThat(context).hasSingleBean(TaskConsumers.class);
		});
	}

	@Test
	void whenRabbitLegIsDisabledThenItHasNoBeans() {
		this.contextRunner.withPropertyValues("kafka-task.rabbitmq.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RabbitTaskTransport.class);
			assertThat(context).doesNotHaveBean(RabbitTaskConsumers.class);
			assertThat(context).doesNotHaveBean(RabbitDeadLetterQueues.class);
		});
	}

	@Test
	void whenUserDefinesTheRabbitDeadLetterQueuesThenAutoConfigurationBacksOff() {
		RabbitDeadLetterQueues own = mock(RabbitDeadLetterQueues.class);
		this.contextRunner.withBean(RabbitDeadLetterQueues.class, () -> own)
			.run((context) -> assertThat(context).getBean(RabbitDeadLetterQueues.class).isSameAs(own));
	}

	@Test
	void whenSpringAmqpIsAbsentThenOnlyKafkaIsConfigured() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RabbitTemplate.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(RabbitTaskTransport.class);
			assertThat(context).hasSingleBean(TaskRouter.class);
		});
	}

	@Test
	void whenUserDefinesTheRouterThenAutoConfigurationBacksOff() {
		TaskRouter own = new TaskRouter(RoutingRules.allTo(Backend.RABBITMQ));
		this.contextRunner.withBean(TaskRouter.class, () -> own)
			.run((context) -> assertThat(context).getBean(TaskRouter.class).isSameAs(own));
	}

	@Test
	void whenRoutingPropertiesAreSetThenTheRouterFollowsThem() {
		this.contextRunner
			.withPropertyValues("kafka-task.routing.default-backend=rabbitmq",
					"kafka-task.routing.tasks.[billing.charge].backend=kafka",
					"kafka-task.routing.tasks.[billing.charge].ramp.to=rabbitmq",
					"kafka-task.routing.tasks.[billing.charge].ramp.percent=25")
			.run((context) -> {
				RoutingRules rules = context.getBean(TaskRouter.class).rules();
				assertThat(rules.defaultBackend()).isEqualTo(Backend.RABBITMQ);
				assertThat(rules.tasks().get("billing.charge").backend()).isEqualTo(Backend.KAFKA);
				assertThat(rules.tasks().get("billing.charge").ramp().percent()).isEqualTo(25);
			});
	}

	@Test
	void whenEndpointIsNotExposedThenItHasNoBean() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(KafkaTasksEndpoint.class));
	}

	@Test
	void whenEndpointIsExposedThenItIsConfigured() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=kafkatasks")
			.run((context) -> assertThat(context).hasSingleBean(KafkaTasksEndpoint.class));
	}

	@Test
	void whenBothLegsAreThereThenTheEndpointListsTheDeadLettersOfBoth() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=kafkatasks")
			.run((context) -> assertThat(context.getBean(KafkaTasksEndpoint.class).kafkaTasks().deadLetterBackends())
				.containsExactly("kafka", "rabbitmq"));
	}

	@Test
	void whenTheRabbitLegIsDisabledThenTheEndpointListsOnlyKafkaDeadLetters() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=kafkatasks", "kafka-task.rabbitmq.enabled=false")
			.run((context) -> assertThat(context.getBean(KafkaTasksEndpoint.class).kafkaTasks().deadLetterBackends())
				.containsExactly("kafka"));
	}

	@Test
	void whenATaskPropertyIsInvalidThenStartupFailsNamingIt() {
		this.contextRunner.withPropertyValues("kafka-task.tasks.[billing.charge].max-retries=many")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("kafka-task.tasks[billing.charge].max-retries"));
		this.contextRunner.withPropertyValues("kafka-task.tasks.[billing.charge].max-retries=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Property kafka-task.tasks[billing.charge].max-retries with value '-1' is invalid")
				.hasStackTraceContaining("expected a whole number >= 0"));
		this.contextRunner.withPropertyValues("kafka-task.tasks.[billing.charge].rate-limit=fast")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("Property kafka-task.tasks[billing.charge].rate-limit with value 'fast' is invalid"));
	}

	@Test
	void whenATaskPropertyIsUnknownThenStartupFailsNamingIt() {
		this.contextRunner.withPropertyValues("kafka-task.tasks.[billing.charge].max-retry=3")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.hasStackTraceContaining("kafka-task.tasks[billing.charge].max-retry] were left unbound"));
	}

	@Test
	void whenTaskPropertiesUseCeleryNamesOrDurationsThenTheyBindToTheTasksOptions() {
		this.contextRunner
			.withPropertyValues("kafka-task.tasks.[billing.charge].max_retries=4",
					"kafka-task.tasks.[billing.charge].soft-time-limit=1500ms",
					"kafka-task.tasks.[billing.charge].time-limit=90",
					"kafka-task.tasks.[billing.charge].autoretry-for=java.io.IOException,java.util.concurrent.TimeoutException",
					"kafka-task.tasks.[billing.charge].unsupported-options=ignore")
			.run((context) -> {
				TaskOptionResolver resolver = context.getBean(TaskOptionResolver.class);
				Map<TaskOption, JsonNode> options = resolver.taskOptions("billing.charge");
				assertThat(options.get(TaskOption.MAX_RETRIES).asInt()).isEqualTo(4);
				assertThat(options.get(TaskOption.SOFT_TIME_LIMIT).asDouble()).isEqualTo(1.5);
				assertThat(options.get(TaskOption.TIME_LIMIT).asDouble()).isEqualTo(90.0);
				assertThat(options.get(TaskOption.AUTORETRY_FOR)).hasSize(2);
				assertThat(resolver.policy("billing.charge")).isEqualTo(UnsupportedOptionPolicy.IGNORE);
			});
	}

	@Test
	void whenTheWorkerIsDisabledThenNoRabbitQueueIsConsumed() {
		this.contextRunner.withUserConfiguration(CeleryQueueTasks.class)
			.withPropertyValues("kafka-task.routing.queues.celery.backend=rabbitmq")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RabbitTaskConsumers.class).states()).isEmpty();
			});
	}

	@Test
	void whenTheWorkerIsEnabledThenRabbitQueuesOfItsTasksAreConsumed() {
		this.contextRunner.withUserConfiguration(CeleryQueueTasks.class)
			.withPropertyValues("kafka-task.worker.enabled=true", "kafka-task.routing.queues.celery.backend=rabbitmq")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(RabbitTaskConsumers.class).states()).containsOnlyKeys("celery");
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class CeleryQueueTasks {

		@Bean
		CeleryQueueTask celeryQueueTask() {
			return new CeleryQueueTask();
		}

	}

	static class CeleryQueueTask {

		@KafkaTask(name = "celery.ping", queue = "celery")
		public void ping() {
		}

	}

}
