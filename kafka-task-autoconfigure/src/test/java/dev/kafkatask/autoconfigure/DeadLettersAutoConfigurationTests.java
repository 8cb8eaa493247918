package dev.kafkatask.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.kafkatask.kafka.deadletter.DeadLetters;

import static org.assertj.core.api.Assertions.assertThat;
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
