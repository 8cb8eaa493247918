package dev.kafkatask.monitor;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the lifecycle events read tell of the last minute, across every instance that writes
 * them: how many events of each type each task had, and which instances wrote events lately
 * (workers that ran tasks, and instances that only dispatched).
 *
 * @param at when it was taken
 * @param window how far back the counts go, by the time each event happened
 * @param tasks the tasks that had events in the window, by name
 * @param workers the instances that wrote events lately, by name
 * @author kafka-task
 */
public record TaskActivity(Instant at, Duration window, List<TaskCounts> tasks, List<Instance> workers) {

	public TaskActivity {
		tasks = List.copyOf(tasks);
		workers = List.copyOf(workers);
	}

	/**
	 * Return an activity of nothing: no event was read.
	 * @param at when it was taken
	 * @return the activity
	 */
	public static TaskActivity none(Instant at) {
		return new TaskActivity(at, TaskActivityWindow.WINDOW, List.of(), List.of());
	}

	/**
	 * The events of one task in the window.
	 *
	 * @param task the task name
	 * @param counts how many events of each type it had (types it had none of are left out)
	 */
	public record TaskCounts(String task, Map<TaskEventType, Long> counts) {

		public TaskCounts {
			counts = Map.copyOf(counts);
		}

		/**
		 * Return how many events of a type the task had.
		 * @param type the type
		 * @return the count
		 */
		public long count(TaskEventType type) {
			return this.counts.getOrDefault(type, 0L);
		}

		/**
		 * Return how many runs of the task ended (succeeded, failed, expired,
		 * dead-lettered or revoked).
		 * @return the count
		 */
		public long done() {
			return this.counts.entrySet()
				.stream()
				.filter((count) -> count.getKey().isTerminal())
				.mapToLong(Map.Entry::getValue)
				.sum();
		}

	}

	/**
	 * An instance that wrote events: a worker ({@code pid@host}) or a dispatcher.
	 *
	 * @param name its name, {@code pid@host}
	 * @param lastSeen when its latest event happened
	 * @param queues the queues of the tasks it ran (not of those it only dispatched), by
	 * name; at most {@value TaskActivityWindow#MAX_QUEUES_PER_INSTANCE}
	 * @param ranTasks whether it ran tasks (wrote an event other than {@code dispatched})
	 * @param done the runs of tasks that ended on it in the window
	 * @param dispatched the tasks it dispatched in the window
	 */
	public record Instance(String name, Instant lastSeen, List<String> queues, boolean ranTasks, long done,
			long dispatched) {

		public Instance {
			queues = List.copyOf(queues);
		}

	}

}
