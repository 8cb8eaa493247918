package dev.kafkatask.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * Auto-configuration of kafka-task's health: one composite contributor, {@code kafkaTask},
 * whose members are the Kafka worker ({@code worker}), its delay forwarder ({@code delays}),
 * the Kafka leg ({@code kafka}) and, with the RabbitMQ leg, RabbitMQ itself ({@code rabbit})
 * and the consumer of each RabbitMQ queue ({@code rabbitConsumers}).
 * {@code management.health.kafka-task.enabled=false} switches it off, and
 * {@code management.health.kafka-task.<member>.enabled=false} one member.
 *
 * @author kafka-task
 */
@AutoConfiguration(after = { KafkaAutoConfiguration.class, KafkaTaskKafkaAutoConfiguration.class,
		KafkaTaskRabbitAutoConfiguration.class })
@ConditionalOnClass(AbstractHealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("kafka-task")
@Import({ WorkerHealthConfiguration.class, KafkaLegHealthConfiguration.class, RabbitLegHealthConfiguration.class })
public final class KafkaTaskHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "kafkaTaskHealthContributor")
	@ConditionalOnBean(KafkaTaskHealthMember.class)
	CompositeHealthContributor kafkaTaskHealthContributor(ObjectProvider<KafkaTaskHealthMember> members) {
		Map<String, HealthContributor> contributors = new LinkedHashMap<>();
		members.orderedStream().forEach((member) -> contributors.put(member.name(), member.contributor()));
		return CompositeHealthContributor.fromMap(contributors);
	}

}
