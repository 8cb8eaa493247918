package dev.kafkatask.autoconfigure;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.kafkatask.actuate.KafkaTaskRabbitConsumersHealthContributor;
import dev.kafkatask.actuate.KafkaTaskRabbitHealthIndicator;
import dev.kafkatask.autoconfigure.KafkaTaskRabbitAutoConfiguration.KafkaTaskRabbitConnection;
import dev.kafkatask.rabbit.RabbitTaskConsumers;

/**
 * Health of kafka-task's RabbitMQ leg over its own connection factory
 * ({@code kafkaTask.rabbit}), and of the consumer of each RabbitMQ queue
 * ({@code kafkaTask.rabbitConsumers.<queue>}).
 *
 * @author kafka-task
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(RabbitTemplate.class)
@ConditionalOnBean(KafkaTaskRabbitConnection.class)
class RabbitLegHealthConfiguration {

	@Bean
	@Order(3)
	@ConditionalOnBooleanProperty(name = "management.health.kafka-task.rabbit.enabled", matchIfMissing = true)
	KafkaTaskHealthMember kafkaTaskRabbitHealth(KafkaTaskRabbitConnection connection) {
		return new KafkaTaskHealthMember("rabbit", new KafkaTaskRabbitHealthIndicator(connection.factory()));
	}

	@Bean
	@Order(4)
	@ConditionalOnBean(RabbitTaskConsumers.class)
	@ConditionalOnBooleanProperty(name = "management.health.kafka-task.rabbit-consumers.enabled",
			matchIfMissing = true)
	KafkaTaskHealthMember kafkaTaskRabbitConsumersHealth(RabbitTaskConsumers consumers) {
		return new KafkaTaskHealthMember("rabbitConsumers", new KafkaTaskRabbitConsumersHealthContributor(consumers));
	}

}
