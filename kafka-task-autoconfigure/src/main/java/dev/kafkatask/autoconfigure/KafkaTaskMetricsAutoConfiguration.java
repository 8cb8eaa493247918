package dev.kafkatask.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.metrics.KafkaTaskMetrics;
import dev.kafkatask.task.TaskRegistry;

/**
 * Auto-configuration of kafka-task's Micrometer meters.
 *
 * @author kafka-task
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" },
		after = KafkaTaskAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, TaskRegistry.class })
public final class KafkaTaskMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KafkaTaskMetrics kafkaTaskMetrics() {
		return new KafkaTaskMetrics();
	}

}
