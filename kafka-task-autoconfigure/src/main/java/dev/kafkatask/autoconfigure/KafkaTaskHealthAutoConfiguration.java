package dev.kafkatask.autoconfigure;

import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaAdmin;

import dev.kafkatask.actuate.KafkaTaskWorkerHealthIndicator;
import dev.kafkatask.kafka.listener.StallDetector;
import dev.kafkatask.kafka.listener.TaskListenerContainer;

/**
 * Auto-configuration of the health of kafka-task's Kafka worker, with its stall detector.
 *
 * @author kafka-task
 */
@AutoConfiguration(after = KafkaTaskKafkaAutoConfiguration.class)
@ConditionalOnClass(AbstractHealthIndicator.class)
@ConditionalOnBean(TaskListenerContainer.class)
@ConditionalOnEnabledHealthIndicator("kafkaTaskWorker")
public final class KafkaTaskHealthAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	StallDetector taskStallDetector(TaskListenerContainer container, KafkaTaskProperties properties,
			ObjectProvider<KafkaAdmin> kafkaAdmin) {
		KafkaAdmin admin = kafkaAdmin.getIfAvailable();
		Map<String, Object> adminConfig = (admin != null) ? admin.getConfigurationProperties() : null;
		return new StallDetector(container, properties.getWorker().getStallTimeout(), adminConfig);
	}

	@Bean
	@ConditionalOnMissingBean(name = "kafkaTaskWorkerHealthIndicator")
	KafkaTaskWorkerHealthIndicator kafkaTaskWorkerHealthIndicator(TaskListenerContainer container,
			StallDetector stalls) {
		return new KafkaTaskWorkerHealthIndicator(container, stalls);
	}

}
