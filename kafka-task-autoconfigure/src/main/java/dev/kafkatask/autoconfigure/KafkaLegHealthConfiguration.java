package dev.kafkatask.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.kafka.core.KafkaAdmin;

import dev.kafkatask.actuate.KafkaTaskKafkaHealthIndicator;
import dev.kafkatask.kafka.KafkaTaskTransport;

/**
 * Health of kafka-task's Kafka leg ({@code kafkaTask.kafka}), checked with an admin client
 * configured like Spring Boot's {@link KafkaAdmin}.
 *
 * @author kafka-task
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean({ KafkaAdmin.class, KafkaTaskTransport.class })
class KafkaLegHealthConfiguration {

	@Bean
	@Order(2)
	@ConditionalOnBooleanProperty(name = "management.health.kafka-task.kafka.enabled", matchIfMissing = true)
	KafkaTaskHealthMember kafkaTaskKafkaHealth(KafkaAdmin kafkaAdmin) {
		return new KafkaTaskHealthMember("kafka",
				new KafkaTaskKafkaHealthIndicator(kafkaAdmin.getConfigurationProperties()));
	}

}
