package dev.kafkatask.kafka.worker;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.kafkatask.consumer.ConsumerState;

/**
 * What a worker does with each of its topics: consume it, pause it, drain it or leave it.
 * Changed from any thread; the consumer thread applies changes at its next turn (it is woken
 * for them) and reports drained topics back as stopped. Outlives the consumer thread, so a
 * restarted worker keeps its topics' states.
 *
 * @author kafka-task
 */
final class TopicStates {

	private final Map<String, ConsumerState> states = new ConcurrentHashMap<>();

	private final Semaphore changed = new Semaphore(0);

	TopicStates(Collection<String> topics) {
		topics.forEach((topic) -> this.states.put(topic, ConsumerState.RUNNING));
	}

	ConsumerState state(String topic) {
		return this.states.getOrDefault(topic, ConsumerState.STOPPED);
	}

	void set(String topic, ConsumerState state) {
		ConsumerState previous = this.states.put(topic, state);
		if (previous != state) {
			this.changed.release();
		}
	}

	Map<String, ConsumerState> all() {
		return new TreeMap<>(this.states);
	}

	/**
	 * Return the topics to subscribe to: all but the stopped ones.
	 */
	Set<String> subscribed() {
		return topicsIn(Set.of(ConsumerState.RUNNING, ConsumerState.PAUSED, ConsumerState.DRAINING));
	}

	Set<String> topicsIn(Set<ConsumerState> wanted) {
		return this.states.entrySet()
			.stream()
			.filter((entry) -> wanted.contains(entry.getValue()))
			.map(Map.Entry::getKey)
			.collect(Collectors.toSet());
	}

	/**
	 * Return whether states changed since the last call, and forget that they did.
	 */
	boolean takeChanged() {
		return this.changed.drainPermits() > 0;
	}

	/**
	 * Wake a consumer thread waiting in {@link #awaitChange}, without changing a state.
	 */
	void signal() {
		this.changed.release();
	}

	/**
	 * Wait until a state changes, at most the given time: how an idle consumer thread that
	 * has nothing to subscribe to waits.
	 * @return whether a state changed
	 */
	boolean awaitChange(long timeout, TimeUnit unit) throws InterruptedException {
		if (this.changed.tryAcquire(timeout, unit)) {
			this.changed.release();
			return true;
		}
		return false;
	}

}
