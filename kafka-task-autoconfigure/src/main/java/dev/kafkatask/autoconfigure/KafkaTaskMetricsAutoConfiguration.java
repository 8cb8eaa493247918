package dev.kafkatask.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.kafka.beat.Beat;
import dev.kafkatask.kafka.worker.ClusterWorkers;
import dev.kafkatask.kafka.worker.StallDetector;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.metrics.KafkaTaskBeatMetrics;
import dev.kafkatask.metrics.KafkaTaskMetrics;
import dev.kafkatask.metrics.KafkaTaskStateMetrics;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.task.TaskRegistry;

/**
 * Auto-configuration of kafka-task's Micrometer meters: the event meters, recorded as tasks
 * are dispatched and run, and the state meters of consumers, partitions and queues, read
 * every {@code kafka-task.metrics.refresh-interval}.
 *
 * @author kafka-task
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" },
		after = { KafkaTaskAutoConfiguration.class, KafkaTaskKafkaAutoConfiguration.class,
				KafkaTaskRabbitAutoConfiguration.class, KafkaTaskBeatAutoConfiguration.class })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, TaskRegistry.class })
public final class KafkaTaskMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KafkaTaskMetrics kafkaTaskMetrics(TaskOwners owners) {
		return new KafkaTaskMetrics(owners);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TaskConsumers.class)
	KafkaTaskStateMetrics kafkaTaskStateMetrics(TaskConsumers consumers, TaskOwners owners,
			KafkaTaskProperties properties, ObjectProvider<TaskWorker> workers,
			ObjectProvider<StallDetector> stalls, ObjectProvider<TaskTopics> topics,
			ObjectProvider<ClusterWorkers> clusterWorkers, ObjectProvider<TaskObserver> observers) {
		TaskWorker worker = workers.getIfAvailable();
		StallDetector detector = stalls.getIfAvailable();
		TaskTopics taskTopics = topics.getIfAvailable();
		List<KafkaTaskStateMetrics.Worker> kafka = new ArrayList<>();
		if (worker != null && detector != null && taskTopics != null) {
			kafka.add(new KafkaTaskStateMetrics.Worker(worker, detector, taskTopics));
			clusterWorkers.ifAvailable((named) -> named.all()
				.forEach((cluster) -> kafka.add(new KafkaTaskStateMetrics.Worker(cluster.cluster(), cluster.worker(),
						cluster.stalls(), taskTopics))));
		}
		return new KafkaTaskStateMetrics(consumers, owners, properties.getMetrics().getRefreshInterval(),
				TaskObserver.composite(observers.orderedStream().toList()), kafka);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(Beat.class)
	KafkaTaskBeatMetrics kafkaTaskBeatMetrics(Beat beat) {
		return new KafkaTaskBeatMetrics(beat);
	}

}
