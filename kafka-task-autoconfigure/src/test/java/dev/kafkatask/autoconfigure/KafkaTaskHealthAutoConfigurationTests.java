package dev.kafkatask.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.kafkatask.actuate.KafkaTaskDelaysHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskKafkaHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskRabbitConsumersHealthContributor;
import dev.kafkatask.actuate.KafkaTaskRabbitHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskWorkerHealthIndicator;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the auto-configurations of kafka-task's health: the worker's
 * ({@link KafkaTaskHealthAutoConfiguration}) and the backends'
 * ({@link KafkaTaskBackendHealthAutoConfiguration}).
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class KafkaTaskHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, RabbitAutoConfiguration.class,
				KafkaTaskAutoConfiguration.class, KafkaTaskKafkaAutoConfiguration.class,
				KafkaTaskRabbitAutoConfiguration.class, KafkaTaskHealthAutoConfiguration.class,
				KafkaTaskBackendHealthAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class))
		.withPropertyValues("kafka-task.kafka.topic-prefix=autoconfig-health.", "kafka-task.worker.pinning.enabled=false",
				"kafka-task.worker.enabled=false", "kafka-task.kafka.create-topics=false");

	@Test
	void whenBothLegsArePresentThenTheirHealthContributorsAreRegisteredUnderTheirNames() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(KafkaTaskKafkaHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskRabbitHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskRabbitConsumersHealthContributor.class);
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.getContributor("kafkaTaskKafka"))
				.isSameAs(context.getBean(KafkaTaskKafkaHealthIndicator.class));
			assertThat(registry.getContributor("kafkaTaskRabbit"))
				.isSameAs(context.getBean(KafkaTaskRabbitHealthIndicator.class));
			assertThat(registry.getContributor("kafkaTaskRabbitConsumers"))
				.isSameAs(context.getBean(KafkaTaskRabbitConsumersHealthContributor.class));
		});
	}

	@Test
	void whenTheWorkerIsDisabledThenTheBackendsStillHaveTheirHealth() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(KafkaTaskWorkerHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskKafkaHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskRabbitHealthIndicator.class);
		});
	}

	@Test
	void whenTheWorkerRunsThenItAndItsDelayForwarderHaveHealthEachSwitchedOffOnItsOwn() {
		ApplicationContextRunner withWorker = this.contextRunner.withPropertyValues("kafka-task.worker.enabled=true",
				"spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers());
		withWorker.run((context) -> {
			assertThat(context).hasSingleBean(KafkaTaskWorkerHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskDelaysHealthIndicator.class);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("kafkaTaskDelays"))
				.isSameAs(context.getBean(KafkaTaskDelaysHealthIndicator.class));
		});
		withWorker.withPropertyValues("management.health.kafkaTaskDelays.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(KafkaTaskWorkerHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskDelaysHealthIndicator.class);
		});
		withWorker.withPropertyValues("management.health.kafkaTaskWorker.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(KafkaTaskWorkerHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskDelaysHealthIndicator.class);
		});
	}

	@Test
	void whenUserDefinesKafkaHealthIndicatorThenAutoConfigurationBacksOff() {
		HealthIndicator own = () -> Health.up().build();
		this.contextRunner.withBean("kafkaTaskKafkaHealthIndicator", HealthIndicator.class, () -> own)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(KafkaTaskKafkaHealthIndicator.class);
				assertThat(context).getBean("kafkaTaskKafkaHealthIndicator").isSameAs(own);
				assertThat(context).hasSingleBean(KafkaTaskRabbitHealthIndicator.class);
			});
	}

	@Test
	void whenUserDefinesRabbitHealthIndicatorThenAutoConfigurationBacksOff() {
		HealthIndicator own = () -> Health.up().build();
		this.contextRunner.withBean("kafkaTaskRabbitHealthIndicator", HealthIndicator.class, () -> own)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(KafkaTaskRabbitHealthIndicator.class);
				assertThat(context).getBean("kafkaTaskRabbitHealthIndicator").isSameAs(own);
				assertThat(context).hasSingleBean(KafkaTaskRabbitConsumersHealthContributor.class);
			});
	}

	@Test
	void whenUserDefinesRabbitConsumersHealthContributorThenAutoConfigurationBacksOff() {
		HealthIndicator own = () -> Health.up().build();
		this.contextRunner.withBean("kafkaTaskRabbitConsumersHealthContributor", HealthIndicator.class, () -> own)
			.run((context) -> {
				assertThat(context).doesNotHaveBean(KafkaTaskRabbitConsumersHealthContributor.class);
				assertThat(context).getBean("kafkaTaskRabbitConsumersHealthContributor").isSameAs(own);
				assertThat(context).hasSingleBean(KafkaTaskRabbitHealthIndicator.class);
			});
	}

	@Test
	void whenKafkaHealthIsDisabledThenItHasNoBean() {
		this.contextRunner.withPropertyValues("management.health.kafkaTaskKafka.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(KafkaTaskKafkaHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskRabbitHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskRabbitConsumersHealthContributor.class);
		});
	}

	@Test
	void whenRabbitHealthIsDisabledThenItHasNoBean() {
		this.contextRunner.withPropertyValues("management.health.kafkaTaskRabbit.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskKafkaHealthIndicator.class);
			assertThat(context).hasSingleBean(KafkaTaskRabbitConsumersHealthContributor.class);
		});
	}

	@Test
	void whenRabbitConsumersHealthIsDisabledThenItHasNoBean() {
		this.contextRunner.withPropertyValues("management.health.kafkaTaskRabbitConsumers.enabled=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(KafkaTaskRabbitConsumersHealthContributor.class);
				assertThat(context).hasSingleBean(KafkaTaskKafkaHealthIndicator.class);
				assertThat(context).hasSingleBean(KafkaTaskRabbitHealthIndicator.class);
			});
	}

	@Test
	void whenHealthIndicatorsAreDisabledByDefaultThenNoneIsConfigured() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(KafkaTaskKafkaHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitConsumersHealthContributor.class);
		});
	}

	@Test
	void whenRabbitLegIsDisabledThenOnlyKafkaHasHealth() {
		this.contextRunner.withPropertyValues("kafka-task.rabbitmq.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(KafkaTaskKafkaHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitConsumersHealthContributor.class);
		});
	}

	@Test
	void whenSpringAmqpIsAbsentThenOnlyKafkaHasHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RabbitTemplate.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(KafkaTaskKafkaHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitConsumersHealthContributor.class);
		});
	}

	@Test
	void whenKafkaTaskIsDisabledThenNoBackendHasHealth() {
		this.contextRunner.withPropertyValues("kafka-task.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(KafkaTaskKafkaHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitConsumersHealthContributor.class);
		});
	}

	@Test
	void whenActuatorHealthIsAbsentThenNoBackendHasHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(KafkaTaskKafkaHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskRabbitHealthIndicator.class);
		});
	}

}
