package dev.kafkatask.integration;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What test tasks did, shared by the application contexts of one test.
 *
 * @author kafka-task
 */
public class TaskJournal {

	private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> starts = new ConcurrentHashMap<>();

	private final Queue<String> entries = new ConcurrentLinkedQueue<>();

	private final CountDownLatch release = new CountDownLatch(1);

	void started(String key) {
		this.starts.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
	}

	private final Map<String, java.util.List<java.time.Instant>> runTimes = new ConcurrentHashMap<>();

	void ran(String key) {
		this.runTimes.computeIfAbsent(key, (k) -> new java.util.concurrent.CopyOnWriteArrayList<>())
			.add(java.time.Instant.now());
		this.runs.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
		this.entries.add(key);
	}

	/**
	 * Return when the task of a key ran, each time.
	 * @param key the key
	 * @return the times, oldest first
	 */
	public java.util.List<java.time.Instant> runTimes(String key) {
		return java.util.List.copyOf(this.runTimes.getOrDefault(key, java.util.List.of()));
	}

	private final Map<String, AtomicInteger> active = new ConcurrentHashMap<>();

	private final AtomicInteger activeAll = new AtomicInteger();

	private final AtomicInteger mostActive = new AtomicInteger();

	private final AtomicInteger overlaps = new AtomicInteger();

	void enter(String key) {
		if (this.active.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet() > 1) {
			this.overlaps.incrementAndGet();
		}
		this.mostActive.accumulateAndGet(this.activeAll.incrementAndGet(), Math::max);
	}

	void leave(String key) {
		this.active.get(key).decrementAndGet();
		this.activeAll.decrementAndGet();
	}

	/**
	 * Return how often two tasks of the same key ran at once.
	 * @return the count
	 */
	public int overlaps() {
		return this.overlaps.get();
	}

	/**
	 * Return the most keyed tasks that ran at once.
	 * @return the count
	 */
	public int mostActive() {
		return this.mostActive.get();
	}

	boolean awaitRelease(Duration timeout) throws InterruptedException {
		return this.release.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean released() {
		return this.release.getCount() == 0;
	}

	public void release() {
		this.release.countDown();
	}

	public int runs(String key) {
		AtomicInteger count = this.runs.get(key);
		return (count != null) ? count.get() : 0;
	}

	public int starts(String key) {
		AtomicInteger count = this.starts.get(key);
		return (count != null) ? count.get() : 0;
	}

	public int distinctRuns() {
		return this.runs.size();
	}

	public Queue<String> entries() {
		return this.entries;
	}

}
