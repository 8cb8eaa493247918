package dev.kafkatask.autoconfigure;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

import dev.kafkatask.routing.TaskRouter;
import dev.kafkatask.task.TaskRegistry;

/**
 * The queues an application names, which are the only ones a write from outside (the
 * endpoint, a canvas in a record) may name.
 *
 * @author kafka-task
 */
final class KnownQueues {

	private KnownQueues() {
	}

	/**
	 * Return whether a queue is one the application names: the default queue, the queues of
	 * its tasks, of its workers, of {@code kafka-task.kafka.queues} (and priority queues) and
	 * {@code kafka-task.rabbitmq.queues}, and of its routing rules as they are at the time.
	 */
	static Predicate<String> of(KafkaTaskProperties properties, TaskRegistry registry, TaskRouter router) {
		Set<String> queues = new HashSet<>(registry.queues(properties.getDefaultQueue()));
		queues.add(properties.getDefaultQueue());
		queues.addAll(properties.getWorker().getQueues());
		queues.addAll(properties.getKafka().getQueues());
		queues.addAll(properties.getKafka().getPriorityQueues());
		if (properties.getRabbitmq().getQueues() != null) {
			queues.addAll(properties.getRabbitmq().getQueues());
		}
		queues.addAll(properties.getRouting().getQueues().keySet());
		Set<String> known = Set.copyOf(queues);
		return (queue) -> known.contains(queue) || router.rules().queues().containsKey(queue);
	}

}
