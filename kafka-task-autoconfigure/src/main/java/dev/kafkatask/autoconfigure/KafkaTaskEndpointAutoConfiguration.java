package dev.kafkatask.autoconfigure;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

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
import dev.kafkatask.kafka.beat.Beat;
import dev.kafkatask.monitor.TaskOwners;
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
			KafkaTaskProperties properties, ObjectProvider<Beat> beat) {
		KafkaTasksEndpoint endpoint = new KafkaTasksEndpoint(registry, router, consumers, refresher, options, owners,
				properties.getDefaultQueue(), knownQueues(registry, router, properties));
		beat.ifAvailable(endpoint::setBeat);
		return endpoint;
	}

	/**
	 * Return whether a queue is one the application names: the default queue, the queues of
	 * its tasks, of its workers, of {@code kafka-task.kafka.queues} and
	 * {@code kafka-task.rabbitmq.queues}, and of its routing rules as they are at the time.
	 */
	private static Predicate<String> knownQueues(TaskRegistry registry, TaskRouter router,
			KafkaTaskProperties properties) {
		Set<String> queues = new HashSet<>(registry.queues(properties.getDefaultQueue()));
		queues.add(properties.getDefaultQueue());
		queues.addAll(properties.getWorker().getQueues());
		queues.addAll(properties.getKafka().getQueues());
		queues.addAll(properties.getKafka().getPriorityQueues());
		if (properties.getRabbitmq().getQueues() != null) {
			queues.addAll(properties.getRabbitmq().getQueues());
		}
		queues.addAll(properties.getRouting().getQueues().keySet());
		return (queue) -> queues.contains(queue) || router.rules().queues().containsKey(queue);
	}

}
