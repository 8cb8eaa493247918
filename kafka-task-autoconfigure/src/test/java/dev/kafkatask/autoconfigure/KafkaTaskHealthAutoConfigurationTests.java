package dev.kafkatask.autoconfigure;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.kafkatask.actuate.KafkaTaskDelaysHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskKafkaHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskRabbitConsumersHealthContributor;
import dev.kafkatask.actuate.KafkaTaskRabbitHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskWorkerHealthIndicator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KafkaTaskHealthAutoConfiguration}: one {@code kafkaTask} composite whose
 * members are the worker, the delay forwarder and the legs. No broker: nothing asks one for
 * its health here.
 *
 * @author kafka-task
 */
class KafkaTaskHealthAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, RabbitAutoConfiguration.class,
				KafkaTaskAutoConfiguration.class, KafkaTaskKafkaAutoConfiguration.class,
				KafkaTaskRabbitAutoConfiguration.class, KafkaTaskHealthAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class))
		.withPropertyValues(BrokerFree.PROPERTIES)
		.withPropertyValues("kafka-task.kafka.topic-prefix=autoconfig-health.", "kafka-task.worker.enabled=false");

	private final ApplicationContextRunner withWorker = this.contextRunner
		.withPropertyValues("kafka-task.worker.enabled=true");

	@Test
	void whenBothLegsArePresentThenTheirHealthIsOneCompositeNamedKafkaTask() {
		this.contextRunner.run((context) -> {
			assertThat(members(context)).containsExactly("kafka", "rabbit", "rabbitConsumers");
			CompositeHealthContributor kafkaTask = kafkaTask(context);
			assertThat(kafkaTask.getContributor("kafka")).isInstanceOf(KafkaTaskKafkaHealthIndicator.class);
			assertThat(kafkaTask.getContributor("rabbit")).isInstanceOf(KafkaTaskRabbitHealthIndicator.class);
			assertThat(kafkaTask.getContributor("rabbitConsumers"))
				.isInstanceOf(KafkaTaskRabbitConsumersHealthContributor.class);
		});
	}

	@Test
	void whenTheMembersAreRegisteredThenNoneOfThemIsAlsoATopLevelContributor() {
		this.withWorker.run((context) -> {
			HealthContributorRegistry registry = context.getBean(HealthContributorRegistry.class);
			assertThat(registry.stream().map(HealthContributors.Entry::name)).containsExactly("kafkaTask");
			assertThat(context).doesNotHaveBean(KafkaTaskWorkerHealthIndicator.class);
			assertThat(context).doesNotHaveBean(KafkaTaskKafkaHealthIndicator.class);
		});
	}

	@Test
	void whenTheWorkerRunsThenItAndItsDelayForwarderAreMembersEachSwitchedOffOnItsOwn() {
		this.withWorker.run((context) -> {
			assertThat(members(context)).containsExactly("worker", "delays", "kafka", "rabbit", "rabbitConsumers");
			assertThat(kafkaTask(context).getContributor("worker")).isInstanceOf(KafkaTaskWorkerHealthIndicator.class);
			assertThat(kafkaTask(context).getContributor("delays")).isInstanceOf(KafkaTaskDelaysHealthIndicator.class);
		});
		this.withWorker.withPropertyValues("management.health.kafka-task.delays.enabled=false")
			.run((context) -> assertThat(members(context)).containsExactly("worker", "kafka", "rabbit",
					"rabbitConsumers"));
		this.withWorker.withPropertyValues("management.health.kafka-task.worker.enabled=false")
			.run((context) -> assertThat(members(context)).containsExactly("delays", "kafka", "rabbit",
					"rabbitConsumers"));
	}

	@Test
	void whenTheWorkerIsDisabledThenTheLegsStillHaveTheirHealth() {
		this.contextRunner.run((context) -> assertThat(members(context)).doesNotContain("worker", "delays")
			.contains("kafka", "rabbit"));
	}

	@Test
	void whenKafkaClustersAreConfiguredThenEachHasItsOwnHealthUnderClusters() {
		this.contextRunner
			.withPropertyValues("kafka-task.kafka.clusters.east.bootstrap-servers=127.0.0.1:9",
					"kafka-task.kafka.clusters.west.bootstrap-servers=127.0.0.1:9")
			.run((context) -> {
				assertThat(members(context)).containsExactly("kafka", "clusters", "rabbit", "rabbitConsumers");
				CompositeHealthContributor clusters = (CompositeHealthContributor) kafkaTask(context)
					.getContributor("clusters");
				assertThat(clusters.stream().map(HealthContributors.Entry::name)).containsExactly("east", "west");
				assertThat(clusters.getContributor("east")).isInstanceOf(KafkaTaskKafkaHealthIndicator.class);
			});
		this.contextRunner
			.withPropertyValues("kafka-task.kafka.clusters.east.bootstrap-servers=127.0.0.1:9",
					"management.health.kafka-task.clusters.enabled=false")
			.run((context) -> assertThat(members(context)).doesNotContain("clusters"));
	}

	@Test
	void whenALegMemberIsSwitchedOffThenTheOthersRemain() {
		this.contextRunner.withPropertyValues("management.health.kafka-task.kafka.enabled=false")
			.run((context) -> assertThat(members(context)).containsExactly("rabbit", "rabbitConsumers"));
		this.contextRunner.withPropertyValues("management.health.kafka-task.rabbit.enabled=false")
			.run((context) -> assertThat(members(context)).containsExactly("kafka", "rabbitConsumers"));
		this.contextRunner.withPropertyValues("management.health.kafka-task.rabbit-consumers.enabled=false")
			.run((context) -> assertThat(members(context)).containsExactly("kafka", "rabbit"));
	}

	@Test
	void whenEveryMemberIsSwitchedOffThenThereIsNoComposite() {
		this.contextRunner
			.withPropertyValues("management.health.kafka-task.kafka.enabled=false",
					"management.health.kafka-task.rabbit.enabled=false",
					"management.health.kafka-task.rabbit-consumers.enabled=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("kafkaTaskHealthContributor");
			});
	}

	@Test
	void whenKafkaTaskHealthIsDisabledThenThereIsNoComposite() {
		this.withWorker.withPropertyValues("management.health.kafka-task.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("kafkaTaskHealthContributor");
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("kafkaTask")).isNull();
		});
	}

	@Test
	void whenHealthIndicatorsAreDisabledByDefaultThenThereIsNoComposite() {
		this.contextRunner.withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("kafkaTaskHealthContributor"));
		this.contextRunner
			.withPropertyValues("management.health.defaults.enabled=false", "management.health.kafka-task.enabled=true")
			.run((context) -> assertThat(context).hasBean("kafkaTaskHealthContributor"));
	}

	@Test
	void whenUserDefinesTheCompositeThenAutoConfigurationBacksOff() {
		HealthIndicator own = () -> Health.up().build();
		this.contextRunner.withBean("kafkaTaskHealthContributor", HealthIndicator.class, () -> own).run((context) -> {
			assertThat(context).getBean("kafkaTaskHealthContributor").isSameAs(own);
			assertThat(context.getBean(HealthContributorRegistry.class).getContributor("kafkaTask")).isSameAs(own);
		});
	}

	@Test
	void whenRabbitLegIsDisabledThenOnlyKafkaHasHealth() {
		this.contextRunner.withPropertyValues("kafka-task.rabbitmq.enabled=false")
			.run((context) -> assertThat(members(context)).containsExactly("kafka"));
	}

	@Test
	void whenSpringAmqpIsAbsentThenOnlyKafkaHasHealth() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(RabbitTemplate.class))
			.run((context) -> assertThat(members(context)).containsExactly("kafka"));
	}

	@Test
	void whenKafkaTaskIsDisabledThenThereIsNoComposite() {
		this.contextRunner.withPropertyValues("kafka-task.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("kafkaTaskHealthContributor");
		});
	}

	@Test
	void whenActuatorHealthIsAbsentThenThereIsNoComposite() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(AbstractHealthIndicator.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean("kafkaTaskHealthContributor");
		});
	}

	private static CompositeHealthContributor kafkaTask(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		return (CompositeHealthContributor) context.getBean(HealthContributorRegistry.class).getContributor("kafkaTask");
	}

	private static List<String> members(AssertableApplicationContext context) {
		return kafkaTask(context).stream().map(HealthContributors.Entry::name).toList();
	}

}
