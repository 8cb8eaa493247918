package dev.kafkatask.kafka;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Names the Kafka topics of queues: one topic per queue, {@code <prefix><queue>}, and a
 * dead-letter topic {@code <topic>.dlt} beside each.
 *
 * @author kafka-task
 */
public final class TaskTopics {

	/**
	 * Suffix of dead-letter topics.
	 */
	public static final String DEAD_LETTER_SUFFIX = ".dlt";

	/**
	 * Suffix of the high-priority topic of a queue.
	 */
	public static final String HIGH_PRIORITY_SUFFIX = ".high";

	private final String prefix;

	public TaskTopics(String prefix) {
		this.prefix = prefix;
	}

	/**
	 * Return the topic of a queue.
	 * @param queue the queue
	 * @return the topic name
	 */
	public String topic(String queue) {
		Assert.hasText(queue, "'queue' must not be empty");
		return this.prefix + queue;
	}

	/**
	 * Return the high-priority topic of a queue, {@code <prefix><queue>.high}.
	 * @param queue the queue
	 * @return the topic name
	 */
	public String highPriorityTopic(String queue) {
		return topic(queue) + HIGH_PRIORITY_SUFFIX;
	}

	/**
	 * Return the dead-letter topic of a task topic.
	 * @param topic the task topic
	 * @return the dead-letter topic name
	 */
	public String deadLetterTopic(String topic) {
		return topic + DEAD_LETTER_SUFFIX;
	}

	/**
	 * Return the queue of a task topic (or of its high-priority topic).
	 * @param topic the topic
	 * @return the queue, or {@code null} when the topic is not a task topic: another
	 * prefix's, a dead-letter topic, or a delay topic (the delay tiers' dead-letter topic
	 * included)
	 */
	public @Nullable String queue(String topic) {
		if (!topic.startsWith(this.prefix) || topic.endsWith(DEAD_LETTER_SUFFIX)
				|| topic.startsWith(this.prefix + DelayTiers.INFIX)) {
			return null;
		}
		String queue = topic.substring(this.prefix.length());
		return queue.endsWith(HIGH_PRIORITY_SUFFIX)
				? queue.substring(0, queue.length() - HIGH_PRIORITY_SUFFIX.length()) : queue;
	}

}
