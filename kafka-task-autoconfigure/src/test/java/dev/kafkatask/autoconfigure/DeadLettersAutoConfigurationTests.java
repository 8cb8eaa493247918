package dev.kafkatask.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.kafkatask.kafka.deadletter.ClusterDeadLetters;
import dev.kafkatask.kafka.deadletter.DeadLetters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.mockito.Mockito.mock;

/**
 * Tests for the {@link DeadLetters} bean of {@link KafkaTaskKafkaAutoConfiguration}.
 *
 * @author kafka-task
 */
class DeadLettersAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, KafkaTaskAutoConfiguration.class,
				KafkaTaskKafkaAutoConfiguration.class))
		.withPropertyValues(BrokerFree.PROPERTIES)
		.withPropertyValues("kafka-task.kafka.topic-prefix=autoconfig.");

	@Test
	void whenKafkaLegIsConfiguredThenDeadLettersAreAvailableWithTheirLedgerBesideTheTopics() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(DeadLetters.class);
			DeadLetters deadLetters = context.getBean(DeadLetters.class);
			assertThat(deadLetters.getLedger().getTopic()).isEqualTo("autoconfig.__redriven");
			assertThat(deadLetters.deadLetterTopics("default")).containsEntry("autoconfig.default.dlt",
					"autoconfig.default");
		});
	}

	@Test
	void whenKafkaClustersAreConfiguredThenEachHasItsDeadLettersWithTheirLedgerOnIt() {
		this.contextRunner.withPropertyValues("kafka-task.kafka.clusters.east.bootstrap-servers=localhost:1")
			.run((context) -> {
				ClusterDeadLetters clusters = context.getBean(ClusterDeadLetters.class);
				assertThat(clusters.names()).containsExactly("default", "east");
				assertThat(clusters.get(null)).isSameAs(context.getBean(DeadLetters.class));
				DeadLetters east = clusters.get("east");
				assertThat(east.getCluster()).isEqualTo("east");
				assertThat(east.getLedger().getTopic()).isEqualTo("autoconfig.__redriven");
				assertThat(east.deadLetterTopics("default")).containsEntry("autoconfig.default.dlt",
						"autoconfig.default");
				assertThatIllegalArgumentException().isThrownBy(() -> clusters.get("west"))
					.withMessage("Unknown Kafka cluster 'west': default, east (kafka-task.kafka.clusters)");
			});
	}

	@Test
	void whenUserDefinesClusterDeadLettersThenAutoConfigurationBacksOff() {
		ClusterDeadLetters own = new ClusterDeadLetters(mock(DeadLetters.class), java.util.Map.of());
		this.contextRunner.withBean(ClusterDeadLetters.class, () -> own)
			.run((context) -> assertThat(context).getBean(ClusterDeadLetters.class).isSameAs(own));
	}

	@Test
	void whenUserDefinesDeadLettersThenAutoConfigurationBacksOff() {
		DeadLetters own = mock(DeadLetters.class);
		this.contextRunner.withBean(DeadLetters.class, () -> own)
			.run((context) -> assertThat(context).getBean(DeadLetters.class).isSameAs(own));
	}

	@Test
	void whenKafkaTaskIsDisabledThenThereAreNoDeadLetters() {
		this.contextRunner.withPropertyValues("kafka-task.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(DeadLetters.class));
	}

}
