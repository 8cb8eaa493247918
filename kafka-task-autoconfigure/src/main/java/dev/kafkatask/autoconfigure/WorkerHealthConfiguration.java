package dev.kafkatask.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import dev.kafkatask.actuate.KafkaTaskDelaysHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskKafkaHealthIndicator;
import dev.kafkatask.actuate.KafkaTaskWorkerHealthIndicator;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.kafka.KafkaClusters;
import dev.kafkatask.kafka.worker.ClusterWorkers;
import dev.kafkatask.kafka.worker.DelayForwarder;
import dev.kafkatask.kafka.worker.StallDetector;
import dev.kafkatask.kafka.worker.TaskWorker;

/**
 * Health of kafka-task's Kafka worker, with its stall detector ({@code kafkaTask.worker}),
 * and of its delay forwarder ({@code kafkaTask.delays}).
 *
 * @author kafka-task
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBean({ TaskWorker.class, StallDetector.class })
class WorkerHealthConfiguration {

	@Bean
	@Order(0)
	@ConditionalOnBooleanProperty(name = "management.health.kafka-task.worker.enabled", matchIfMissing = true)
	KafkaTaskHealthMember kafkaTaskWorkerHealth(TaskWorker worker, StallDetector stalls,
			ObjectProvider<DeliveryHandler> deliveries) {
		return new KafkaTaskHealthMember("worker",
				new KafkaTaskWorkerHealthIndicator(worker, stalls, deliveries.getIfAvailable()));
	}

	@Bean
	@Order(1)
	@ConditionalOnBean(DelayForwarder.class)
	@ConditionalOnBooleanProperty(name = "management.health.kafka-task.delays.enabled", matchIfMissing = true)
	KafkaTaskHealthMember kafkaTaskDelaysHealth(DelayForwarder forwarder) {
		return new KafkaTaskHealthMember("delays", new KafkaTaskDelaysHealthIndicator(forwarder));
	}

	@Bean
	@Order(1)
	@ConditionalOnBean(ClusterWorkers.class)
	@Conditional(OnClusterWorkersCondition.class)
	@ConditionalOnBooleanProperty(name = "management.health.kafka-task.worker.enabled", matchIfMissing = true)
	KafkaTaskHealthMember kafkaTaskClusterWorkersHealth(ClusterWorkers workers, KafkaClusters clusters,
			ObjectProvider<DeliveryHandler> deliveries) {
		Map<String, HealthContributor> byCluster = new LinkedHashMap<>();
		for (ClusterWorkers.ClusterWorker worker : workers.all()) {
			Map<String, HealthContributor> members = new LinkedHashMap<>();
			members.put("worker", new KafkaTaskWorkerHealthIndicator(worker.worker(), worker.stalls(),
					deliveries.getIfAvailable(), worker.cluster()));
			members.put("delays", new KafkaTaskDelaysHealthIndicator(worker.delays()));
			KafkaClusters.Cluster cluster = clusters.get(worker.cluster());
			if (cluster != null) {
				// A worker whose cluster cannot be reached takes nothing, and says so.
				members.put("kafka", new KafkaTaskKafkaHealthIndicator(cluster.adminConfiguration()));
			}
			byCluster.put(worker.cluster(), CompositeHealthContributor.fromMap(members));
		}
		return new KafkaTaskHealthMember("clusterWorkers", CompositeHealthContributor.fromMap(byCluster));
	}

}
