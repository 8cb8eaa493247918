package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tracks every task of a benchmark by id: when it was dispatched, when it first finished, and
 * how many times it ran, so that a run counts completed, lost (never ran) and duplicate tasks.
 * Tasks belong to a {@link Phase} (warm-up, baseline, measured); a task of an earlier phase
 * that runs late counts as a stray, not in the current phase.
 *
 * @author kafka-task
 */
final class TaskLedger {

	private final AtomicInteger phases = new AtomicInteger();

	private final LongAdder strays = new LongAdder();

	private volatile Phase current = new Phase(0, 0, 0);

	/**
	 * Start a new phase.
	 * @param tasks how many tasks it has, ids {@code 0..tasks-1}
	 * @param awaited how many of them, ids {@code 0..awaited-1}, {@link Phase#await} waits for
	 * @return the phase
	 */
	Phase begin(int tasks, int awaited) {
		Phase phase = new Phase(this.phases.incrementAndGet(), tasks, awaited);
		this.current = phase;
		return phase;
	}

	Phase current() {
		return this.current;
	}

	void started(int phase, int id) {
		Phase current = this.current;
		if (current.id == phase && id >= 0 && id < current.tasks) {
			current.started(id);
		}
	}

	void completed(int phase, int id) {
		Phase current = this.current;
		if (current.id != phase || id < 0 || id >= current.tasks) {
			this.strays.increment();
			return;
		}
		current.completed(id);
	}

	long strays() {
		return this.strays.sum();
	}

	/**
	 * The tasks of one phase.
	 */
	static final class Phase {

		private final int id;

		private final int tasks;

		private final int awaited;

		private final long[] dispatchedAt;

		private final long[] startedAt;

		private final long[] completedAt;

		private final AtomicIntegerArray runs;

		private final AtomicInteger started = new AtomicInteger();

		private final AtomicInteger completed = new AtomicInteger();

		private final LongAccumulator lastStart = new LongAccumulator(Math::max, Long.MIN_VALUE);

		private final LongAccumulator firstCompletion = new LongAccumulator(Math::min, Long.MAX_VALUE);

		private final LongAccumulator lastCompletion = new LongAccumulator(Math::max, Long.MIN_VALUE);

		private final CountDownLatch done;

		Phase(int id, int tasks, int awaited) {
			this.id = id;
			this.tasks = tasks;
			this.awaited = awaited;
			this.dispatchedAt = new long[tasks];
			this.startedAt = new long[tasks];
			this.completedAt = new long[tasks];
			this.runs = new AtomicIntegerArray(tasks);
			this.done = new CountDownLatch(awaited);
		}

		int id() {
			return this.id;
		}

		int tasks() {
			return this.tasks;
		}

		void dispatched(int task) {
			this.dispatchedAt[task] = System.nanoTime();
		}

		private void started(int task) {
			long now = System.nanoTime();
			if (this.startedAt[task] == 0) {
				this.startedAt[task] = now;
			}
			this.lastStart.accumulate(now);
			this.started.incrementAndGet();
		}

		private void completed(int task) {
			if (this.runs.incrementAndGet(task) == 1) {
				long now = System.nanoTime();
				this.completedAt[task] = now;
				this.firstCompletion.accumulate(now);
				this.lastCompletion.accumulate(now);
				this.completed.incrementAndGet();
				if (task < this.awaited) {
					this.done.countDown();
				}
			}
		}

		/**
		 * Wait until every awaited task finished once.
		 * @param timeout how long to wait
		 * @return whether they all finished in time
		 * @throws InterruptedException if interrupted
		 */
		boolean await(Duration timeout) throws InterruptedException {
			return this.done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}

		int started() {
			return this.started.get();
		}

		/**
		 * Return how many distinct tasks finished.
		 * @return the count
		 */
		int completed() {
			return this.completed.get();
		}

		int awaitedCompleted() {
			return this.awaited - (int) this.done.getCount();
		}

		/**
		 * Return how many tasks among {@code from..to-1} never ran.
		 * @param from the first id
		 * @param to the id after the last
		 * @return the count
		 */
		int lost(int from, int to) {
			int lost = 0;
			for (int i = from; i < to; i++) {
				if (this.runs.get(i) == 0) {
					lost++;
				}
			}
			return lost;
		}

		/**
		 * Return how many extra runs tasks among {@code from..to-1} had, beyond one each.
		 * @param from the first id
		 * @param to the id after the last
		 * @return the count
		 */
		int duplicates(int from, int to) {
			int duplicates = 0;
			for (int i = from; i < to; i++) {
				duplicates += Math.max(0, this.runs.get(i) - 1);
			}
			return duplicates;
		}

		/**
		 * Return when the last task first finished.
		 * @return the {@link System#nanoTime()} of it, or {@code Long.MIN_VALUE}
		 */
		long lastCompletion() {
			return this.lastCompletion.get();
		}

		/**
		 * Return when the last task started (tasks that record their start).
		 * @return the {@link System#nanoTime()} of it, or {@code Long.MIN_VALUE}
		 */
		long lastStart() {
			return this.lastStart.get();
		}

		/**
		 * Return when the first task finished.
		 * @return the {@link System#nanoTime()} of it, or {@code Long.MAX_VALUE}
		 */
		long firstCompletion() {
			return this.firstCompletion.get();
		}

		/**
		 * Return the dispatch-to-completion latency of the finished tasks among
		 * {@code from..to-1}.
		 * @param from the first id
		 * @param to the id after the last
		 * @return the latencies in nanoseconds, in no particular order
		 */
		long[] latencies(int from, int to) {
			return between(this.dispatchedAt, this.completedAt, from, to);
		}

		/**
		 * Return the dispatch-to-start latency of the started tasks among {@code from..to-1}
		 * (tasks that record their start).
		 * @param from the first id
		 * @param to the id after the last
		 * @return the latencies in nanoseconds, in no particular order
		 */
		long[] startLatencies(int from, int to) {
			return between(this.dispatchedAt, this.startedAt, from, to);
		}

		/**
		 * Write every task's dispatch, start and completion time, in milliseconds since the
		 * first dispatch, as CSV lines {@code id,dispatched,started,completed,runs} (empty when
		 * it did not happen).
		 * @param file the file
		 * @throws IOException if it cannot be written
		 */
		void writeTimeline(Path file) throws IOException {
			long origin = Long.MAX_VALUE;
			for (long dispatched : this.dispatchedAt) {
				if (dispatched != 0) {
					origin = Math.min(origin, dispatched);
				}
			}
			try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
				out.println("id,dispatched,started,completed,runs");
				for (int i = 0; i < this.tasks; i++) {
					out.println(i + "," + millis(this.dispatchedAt[i], origin) + "," + millis(this.startedAt[i], origin)
							+ "," + millis(this.completedAt[i], origin) + "," + this.runs.get(i));
				}
			}
		}

		private static String millis(long nanos, long origin) {
			return (nanos != 0) ? String.format(Locale.ROOT, "%.3f", (nanos - origin) / 1e6) : "";
		}

		private static long[] between(long[] first, long[] then, int from, int to) {
			long[] latencies = new long[to - from];
			int n = 0;
			for (int i = from; i < to; i++) {
				if (first[i] != 0 && then[i] != 0) {
					latencies[n++] = then[i] - first[i];
				}
			}
			return Arrays.copyOf(latencies, n);
		}

	}

}
