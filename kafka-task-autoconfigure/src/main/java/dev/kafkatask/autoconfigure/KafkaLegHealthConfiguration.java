package dev.kafkatask.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.kafka.core.KafkaAdmin;

import dev.kafkatask.actuate.KafkaTaskKafkaHealthIndicator;
import dev.kafkatask.kafka.KafkaClusters;
import dev.kafkatask.kafka.KafkaTaskTransport;

/**
 * Health of kafka-task's Kafka leg ({@code kafkaTask.kafka}), checked with an admin client
 * configured like Spring Boot's {@link KafkaAdmin}, and of each named Kafka cluster
 * ({@code kafkaTask.clusters.<name>}), checked with an admin client of its own.
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

	@Bean
	@Order(3)
	@Conditional(OnKafkaClustersCondition.class)
	@ConditionalOnBooleanProperty(name = "management.health.kafka-task.clusters.enabled", matchIfMissing = true)
	KafkaTaskHealthMember kafkaTaskClustersHealth(KafkaClusters clusters) {
		Map<String, HealthContributor> indicators = new LinkedHashMap<>();
		clusters.all()
			.forEach((cluster) -> indicators.put(cluster.name(),
					new KafkaTaskKafkaHealthIndicator(cluster.adminConfiguration())));
		return new KafkaTaskHealthMember("clusters", CompositeHealthContributor.fromMap(indicators));
	}

}
