package dev.kafkatask.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.kafka.deadletter.BackendDeadLetters;
import dev.kafkatask.kafka.deadletter.ClusterDeadLetters;
import dev.kafkatask.kafka.beat.Beat;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.monitor.TaskResults;
import dev.kafkatask.monitor.TaskRevoker;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.TaskRegistry;

/**
 * Auto-configuration of the {@code kafkatasks} actuator endpoint.
 *
 * @author kafka-task
 */
@AutoConfiguration(after = { KafkaTaskAutoConfiguration.class, KafkaTaskKafkaAutoConfiguration.class,
		KafkaTaskRabbitAutoConfiguration.class, KafkaTaskBeatAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean({ TaskRegistry.class, TaskRouter.class, TaskConsumers.class })
@ConditionalOnAvailableEndpoint(KafkaTasksEndpoint.class)
public final class KafkaTaskEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	KafkaTasksEndpoint kafkaTasksEndpoint(TaskRegistry registry, TaskRouter router, TaskConsumers consumers,
			RoutingRulesRefresher refresher, TaskOptionResolver options, TaskOwners owners,
			KafkaTaskProperties properties, ObjectProvider<Beat> beat, ObjectProvider<TaskResults> results,
			ObjectProvider<DeliveryHandler> deliveries, ObjectProvider<BackendDeadLetters> deadLetters,
			ObjectProvider<ClusterDeadLetters> clusterDeadLetters, ObjectProvider<TaskRevoker> revoker) {
		KafkaTasksEndpoint endpoint = new KafkaTasksEndpoint(registry, router, consumers, refresher, options, owners,
				properties.getDefaultQueue(), KnownQueues.of(properties, registry, router));
		beat.ifAvailable(endpoint::setBeat);
		results.ifAvailable(endpoint::setTaskResults);
		// Kafka's dead letters (DeadLetters) and RabbitMQ's (RabbitDeadLetterQueues), if the legs are there
		deadLetters.orderedStream().forEach(endpoint::setDeadLetters);
		// and Kafka's on each cluster, for requests that name one
		clusterDeadLetters.ifAvailable(endpoint::setKafkaClusterDeadLetters);
		revoker.ifAvailable(endpoint::setTaskRevoker);
		deliveries.ifAvailable((handler) -> endpoint.setRunningTasks(handler::running));
		return endpoint;
	}

}
