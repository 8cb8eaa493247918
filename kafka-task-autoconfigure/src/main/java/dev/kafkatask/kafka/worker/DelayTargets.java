package dev.kafkatask.kafka.worker;

import java.util.Collection;
import java.util.Set;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.TaskTopics;

/**
 * Where the {@link DelayForwarder} may move delayed records: the topic of a queue this
 * application knows, or the high-priority topic of one of its priority queues — never any
 * other topic a record names in its {@code kafka-task-target} header, be it another
 * application's, a dead-letter or delay topic, or a broker's internal topic.
 * <p>
 * The known queues are what the application already names: in the auto-configuration, the
 * queues whose topics it creates at startup (the default queue, the queues of registered
 * tasks, {@code kafka-task.worker.queues}, {@code kafka-task.kafka.queues} and
 * {@code kafka-task.kafka.priority-queues}) and the queues of its routing rules, as they are
 * at the time. Every delayed record kafka-task writes targets one of those: a countdown or
 * eta the topic of the queue it was dispatched to, a retry or a rate-limited task the topic
 * it was read from. An application that dispatches delayed tasks to a queue it names nowhere
 * else lists that queue in {@code kafka-task.kafka.queues}.
 * <p>
 * A delayed record that cannot be moved on is dead-lettered beside its target when the target
 * is known, else to the delay tiers' {@link DelayTiers#deadLetterTopic() dead-letter topic}.
 *
 * @author kafka-task
 */
public final class DelayTargets {

	private final TaskTopics topics;

	private final DelayTiers tiers;

	private final Predicate<String> knownQueue;

	private final Set<String> priorityQueues;

	/**
	 * Create the targets.
	 * @param topics the topics of queues
	 * @param tiers the delay tiers
	 * @param knownQueue whether a queue is one of this application's
	 * @param priorityQueues the queues that have a high-priority topic (known as well)
	 */
	public DelayTargets(TaskTopics topics, DelayTiers tiers, Predicate<String> knownQueue,
			Collection<String> priorityQueues) {
		this.topics = topics;
		this.tiers = tiers;
		this.knownQueue = knownQueue;
		this.priorityQueues = Set.copyOf(priorityQueues);
	}

	/**
	 * Return the known queue whose topic (or high-priority topic) a target is.
	 * @param target the topic a delayed record names
	 * @return the queue, or {@code null} when delayed records must not be written there
	 */
	public @Nullable String queue(String target) {
		String queue = this.topics.queue(target);
		if (queue == null) {
			return null;
		}
		boolean priority = this.priorityQueues.contains(queue);
		if (target.equals(this.topics.topic(queue))) {
			return (priority || this.knownQueue.test(queue)) ? queue : null;
		}
		return (priority && target.equals(this.topics.highPriorityTopic(queue))) ? queue : null;
	}

	/**
	 * Return where a delayed record that cannot be moved on is dead-lettered.
	 * @param target the topic it names, or {@code null}
	 * @return the dead-letter topic beside a known target, else the delay tiers'
	 */
	public String deadLetterTopic(@Nullable String target) {
		return (target != null && queue(target) != null) ? this.topics.deadLetterTopic(target)
				: this.tiers.deadLetterTopic();
	}

	/**
	 * Return the delay tiers.
	 * @return the tiers
	 */
	public DelayTiers tiers() {
		return this.tiers;
	}

}
