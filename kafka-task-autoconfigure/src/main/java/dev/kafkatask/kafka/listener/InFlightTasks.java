package dev.kafkatask.kafka.listener;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the tasks a container is running, in all and per topic, against its limit.
 *
 * @author kafka-task
 */
final class InFlightTasks {

	private final int limit;

	private final AtomicInteger total = new AtomicInteger();

	private final Map<String, AtomicInteger> byTopic = new ConcurrentHashMap<>();

	InFlightTasks(int limit) {
		this.limit = limit;
	}

	void started(String topic) {
		this.total.incrementAndGet();
		this.byTopic.computeIfAbsent(topic, (key) -> new AtomicInteger()).incrementAndGet();
	}

	/**
	 * Record that a task ended.
	 * @param topic the topic of its record
	 * @return whether the count is now below the limit
	 */
	boolean ended(String topic) {
		this.byTopic.get(topic).decrementAndGet();
		return this.total.decrementAndGet() < this.limit;
	}

	boolean hasCapacity() {
		return this.total.get() < this.limit;
	}

	int total() {
		return this.total.get();
	}

	int ofTopic(String topic) {
		AtomicInteger count = this.byTopic.get(topic);
		return (count != null) ? count.get() : 0;
	}

}
