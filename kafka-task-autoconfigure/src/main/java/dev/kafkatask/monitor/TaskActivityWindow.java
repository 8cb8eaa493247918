package dev.kafkatask.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Counts lifecycle events by task and by instance in one-second buckets of the last minute,
 * by the time each event happened (not when it was read): an instance that starts reading
 * the events, back from a while ago, knows the last minute at once. Each event costs a map
 * lookup and an increment; a {@link #snapshot()} costs the tasks and instances seen, never
 * the events. Bounded: {@value #MAX_TASKS} task names and {@value #MAX_INSTANCES}
 * instances at most (further task names are counted as {@value #OTHER_TASKS}; the
 * instance seen longest ago makes room for a new one).
 *
 * @author kafka-task
 */
public final class TaskActivityWindow {

	/**
	 * How far back the counts go.
	 */
	public static final Duration WINDOW = Duration.ofMinutes(1);

	/**
	 * How long an instance is listed after its latest event.
	 */
	public static final Duration INSTANCE_TIMEOUT = Duration.ofMinutes(5);

	/**
	 * Most task names counted apart.
	 */
	public static final int MAX_TASKS = 1_000;

	/**
	 * Most instances remembered.
	 */
	public static final int MAX_INSTANCES = 1_000;

	/**
	 * Most queues listed per instance.
	 */
	public static final int MAX_QUEUES_PER_INSTANCE = 50;

	/**
	 * The name the events of further task names are counted under, once
	 * {@value #MAX_TASKS} are.
	 */
	public static final String OTHER_TASKS = "(other tasks)";

	private static final int SECONDS = (int) WINDOW.toSeconds();

	/**
	 * How far ahead of this instance's clock another's may be: its events still count.
	 */
	private static final long SKEW_SECONDS = 5;

	private static final TaskEventType[] TYPES = TaskEventType.values();

	private final Clock clock;

	private final Map<String, Buckets> tasks = new HashMap<>();

	private final Map<String, Seen> instances = new HashMap<>();

	private long lastPurge = Long.MIN_VALUE;

	/**
	 * Create an empty window.
	 * @param clock the clock that says what the last minute is
	 */
	public TaskActivityWindow(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Count an event.
	 * @param event the event
	 */
	public synchronized void record(TaskEvent event) {
		long second = event.at().getEpochSecond();
		long now = this.clock.instant().getEpochSecond();
		boolean inWindow = second > now - SECONDS && second <= now + SKEW_SECONDS;
		Seen seen = seen(event.worker(), event.at());
		if (event.type() != TaskEventType.DISPATCHED) {
			seen.ranTasks = true;
			if (seen.queues.size() < MAX_QUEUES_PER_INSTANCE) {
				seen.queues.add(event.queue());
			}
		}
		if (inWindow) {
			seen.buckets.add(second, event.type());
			taskBuckets(event.task(), now).add(second, event.type());
		}
	}

	/**
	 * Return the counts of the last minute and the instances seen lately.
	 * @return the activity
	 */
	public synchronized TaskActivity snapshot() {
		Instant at = this.clock.instant();
		long now = at.getEpochSecond();
		List<TaskActivity.TaskCounts> counts = new ArrayList<>();
		this.tasks.forEach((task, buckets) -> {
			Map<TaskEventType, Long> sums = buckets.sums(now);
			if (!sums.isEmpty()) {
				counts.add(new TaskActivity.TaskCounts(task, sums));
			}
		});
		counts.sort(Comparator.comparing(TaskActivity.TaskCounts::task));
		Instant since = at.minus(INSTANCE_TIMEOUT);
		List<TaskActivity.Instance> instances = new ArrayList<>();
		this.instances.forEach((name, seen) -> {
			if (seen.lastSeen.isAfter(since)) {
				Map<TaskEventType, Long> sums = seen.buckets.sums(now);
				long done = sums.entrySet()
					.stream()
					.filter((count) -> count.getKey().isTerminal())
					.mapToLong(Map.Entry::getValue)
					.sum();
				instances.add(new TaskActivity.Instance(name, seen.lastSeen, List.copyOf(seen.queues), seen.ranTasks,
						done, sums.getOrDefault(TaskEventType.DISPATCHED, 0L)));
			}
		});
		instances.sort(Comparator.comparing(TaskActivity.Instance::name));
		return new TaskActivity(at, WINDOW, counts, instances);
	}

	private Seen seen(String name, Instant at) {
		Seen seen = this.instances.get(name);
		if (seen == null) {
			if (this.instances.size() >= MAX_INSTANCES) {
				this.instances.values()
					.stream()
					.min(Comparator.comparing((Seen candidate) -> candidate.lastSeen))
					.ifPresent((oldest) -> this.instances.values().remove(oldest));
			}
			seen = new Seen(at);
			this.instances.put(name, seen);
		}
		else if (at.isAfter(seen.lastSeen)) {
			seen.lastSeen = at;
		}
		return seen;
	}

	private Buckets taskBuckets(String task, long now) {
		Buckets buckets = this.tasks.get(task);
		if (buckets != null) {
			return buckets;
		}
		if (this.tasks.size() >= MAX_TASKS && now != this.lastPurge) {
			// at most once a second: names without events in the window make room
			this.lastPurge = now;
			this.tasks.values().removeIf((candidate) -> candidate.sums(now).isEmpty());
		}
		String name = (this.tasks.size() < MAX_TASKS) ? task : OTHER_TASKS;
		return this.tasks.computeIfAbsent(name, (key) -> new Buckets());
	}

	/**
	 * Counts by type in one-second buckets, a ring of {@link #SECONDS}.
	 */
	private static final class Buckets {

		private final long[] seconds = new long[SECONDS];

		private final int[][] counts = new int[SECONDS][TYPES.length];

		Buckets() {
			Arrays.fill(this.seconds, Long.MIN_VALUE);
		}

		void add(long second, TaskEventType type) {
			int slot = (int) Math.floorMod(second, (long) SECONDS);
			if (this.seconds[slot] != second) {
				if (this.seconds[slot] > second) {
					// the slot holds a later second: this one left the window
					return;
				}
				this.seconds[slot] = second;
				Arrays.fill(this.counts[slot], 0);
			}
			this.counts[slot][type.ordinal()]++;
		}

		Map<TaskEventType, Long> sums(long now) {
			Map<TaskEventType, Long> sums = new EnumMap<>(TaskEventType.class);
			for (int slot = 0; slot < SECONDS; slot++) {
				long second = this.seconds[slot];
				if (second > now - SECONDS && second <= now + SKEW_SECONDS) {
					int[] slotCounts = this.counts[slot];
					for (int type = 0; type < slotCounts.length; type++) {
						if (slotCounts[type] > 0) {
							sums.merge(TYPES[type], (long) slotCounts[type], Long::sum);
						}
					}
				}
			}
			return sums;
		}

	}

	/**
	 * What is known of one instance.
	 */
	private static final class Seen {

		private final Buckets buckets = new Buckets();

		private final TreeSet<String> queues = new TreeSet<>();

		private Instant lastSeen;

		private boolean ranTasks;

		Seen(Instant lastSeen) {
			this.lastSeen = lastSeen;
		}

	}

}
