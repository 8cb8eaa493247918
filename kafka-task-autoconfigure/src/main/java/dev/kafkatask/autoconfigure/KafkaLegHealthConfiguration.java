package dev.kafkatask.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaAdmin;

import dev.kafkatask.actuate.KafkaTaskKafkaHealthIndicator;
import dev.kafkatask.kafka.KafkaTaskTransport;

/**
 * Health of kafka-task's Kafka leg, checked with an admin client configured like Spring
 * Boot's {@link KafkaAdmin}.
 *
 * @author kafka-task
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean({ KafkaAdmin.class, KafkaTaskTransport.class })
@ConditionalOnEnabledHealthIndicator("kafkaTaskKafka")
class KafkaLegHealthConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "kafkaTaskKafkaHealthIndicator")
	KafkaTaskKafkaHealthIndicator kafkaTaskKafkaHealthIndicator(KafkaAdmin kafkaAdmin) {
		return new KafkaTaskKafkaHealthIndicator(kafkaAdmin.getConfigurationProperties());
	}

}
