package dev.kafkatask.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.actuate.KafkaTaskDelaysHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskWorkerHealthIndicator;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.kafka.worker.DelayForwarder;
import dev.kafkatask.kafka.worker.StallDetector;
import dev.kafkatask.kafka.worker.TaskWorker;

/**
 * Auto-configuration of the health of kafka-task's Kafka consumers: the worker, with its
 * stall detector ({@code kafkaTaskWorker}), and the delay forwarder ({@code kafkaTaskDelays}).
 *
 * @author kafka-task
 */
@AutoConfiguration(after = KafkaTaskKafkaAutoConfiguration.class)
@ConditionalOnClass(AbstractHealthIndicator.class)
@ConditionalOnBean({ TaskWorker.class, StallDetector.class })
public final class KafkaTaskHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "kafkaTaskWorkerHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("kafkaTaskWorker")
	KafkaTaskWorkerHealthIndicator kafkaTaskWorkerHealthIndicator(TaskWorker container,
			StallDetector stalls, ObjectProvider<DeliveryHandler> deliveries) {
		return new KafkaTaskWorkerHealthIndicator(container, stalls, deliveries.getIfAvailable());
	}

	@Bean
	@ConditionalOnBean(DelayForwarder.class)
	@ConditionalOnMissingBean(name = "kafkaTaskDelaysHealthIndicator")
	@ConditionalOnEnabledHealthIndicator("kafkaTaskDelays")
	KafkaTaskDelaysHealthIndicator kafkaTaskDelaysHealthIndicator(DelayForwarder forwarder) {
		return new KafkaTaskDelaysHealthIndicator(forwarder);
	}

}
