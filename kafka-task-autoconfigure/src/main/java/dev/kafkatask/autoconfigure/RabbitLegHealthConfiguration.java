package dev.kafkatask.autoconfigure;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.kafkatask.actuate.KafkaTaskRabbitConsumersHealthContributor;
import dev.kafkatask.actuate.KafkaTaskRabbitHealthIndicator;
import dev.kafkatask.autoconfigure.KafkaTaskRabbitAutoConfiguration.KafkaTaskRabbitConnection;
import dev.kafkatask.rabbit.RabbitTaskConsumers;

/**
 * Health of kafka-task's RabbitMQ leg, over its own connection factory, and of the consumer
 * of each RabbitMQ queue.
 *
 * @author kafka-task
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RabbitTemplate.class)
@ConditionalOnBean(KafkaTaskRabbitConnection.class)
class RabbitLegHealthConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "kafkaTaskRabbitHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("kafkaTaskRabbit")
	KafkaTaskRabbitHealthIndicator kafkaTaskRabbitHealthIndicator(KafkaTaskRabbitConnection connection) {
		return new KafkaTaskRabbitHealthIndicator(connection.factory());
	}

	@Bean
	@ConditionalOnMissingBean(name = "kafkaTaskRabbitConsumersHealthContributor")
	@ConditionalOnBean(RabbitTaskConsumers.class)
	@ConditionalOnEnabledHealthIndicator("kafkaTaskRabbitConsumers")
	KafkaTaskRabbitConsumersHealthContributor kafkaTaskRabbitConsumersHealthContributor(
			RabbitTaskConsumers consumers) {
		return new KafkaTaskRabbitConsumersHealthContributor(consumers);
	}

}
