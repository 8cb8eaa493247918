package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;

/**
 * Dispatches the tasks of a fault at a steady rate, from one thread, and records in the
 * {@link FaultLedger} each dispatch and, as its future completes, its acknowledgement
 * (partition and offset) or its failure, as the caller sees it.
 *
 * @author kafka-task
 */
final class SteadyStream {

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(90);

	private final TaskDispatcher dispatcher;

	private final String task;

	private final FaultLedger ledger;

	private final int rate;

	private final long taskMs;

	private final String queue;

	private volatile boolean running = true;

	private final long startedAt;

	private volatile long stoppedAt;

	private final Thread thread;

	/**
	 * Start dispatching.
	 * @param dispatcher the dispatcher
	 * @param ledger the ledger, whose token the tasks carry
	 * @param rate tasks per second
	 * @param taskMs how long each task sleeps
	 */
	SteadyStream(TaskDispatcher dispatcher, FaultLedger ledger, int rate, long taskMs) {
		this(dispatcher, FaultWorker.TASK, BenchmarkTasks.QUEUE, ledger, rate, taskMs);
	}

	/**
	 * Start dispatching a task of {@link FaultWorker} to a queue.
	 * @param dispatcher the dispatcher
	 * @param task the task's name
	 * @param queue the queue of the tasks
	 * @param ledger the ledger, whose token the tasks carry
	 * @param rate tasks per second
	 * @param taskMs how long each task sleeps
	 */
	SteadyStream(TaskDispatcher dispatcher, String task, String queue, FaultLedger ledger, int rate, long taskMs) {
		this.queue = queue;
		this.dispatcher = dispatcher;
		this.task = task;
		this.ledger = ledger;
		this.rate = rate;
		this.taskMs = taskMs;
		this.startedAt = System.currentTimeMillis();
		this.thread = Thread.ofPlatform().name("faults-stream").start(this::dispatchAll);
	}

	private void dispatchAll() {
		TaskOptions options = TaskOptions.none().withQueue(this.queue);
		long start = System.nanoTime();
		long period = 1_000_000_000L / this.rate;
		for (int id = 0; this.running && id < this.ledger.capacity(); id++) {
			long due = start + id * period;
			long wait;
			while (this.running && (wait = due - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			if (!this.running) {
				break;
			}
			int task = id;
			this.ledger.dispatched(task, System.currentTimeMillis());
			try {
				this.dispatcher
					.dispatch(this.task, List.of(this.ledger.token(), task, this.taskMs), Map.of(), options)
					.whenComplete((receipt, failure) -> {
						if (failure != null) {
							this.ledger.failed(task, System.currentTimeMillis(), failure);
						}
						else {
							this.ledger.acknowledged(task, System.currentTimeMillis(), receipt.backend(),
									receipt.partition(), receipt.offset());
						}
					});
			}
			catch (RuntimeException ex) {
				this.ledger.failed(task, System.currentTimeMillis(), ex);
			}
		}
		this.stoppedAt = System.currentTimeMillis();
	}

	long startedAt() {
		return this.startedAt;
	}

	/**
	 * Stop dispatching and wait for the thread (a dispatch blocks at most the producer's
	 * {@code max.block.ms}).
	 * @return when the last task was dispatched
	 */
	long stop() throws InterruptedException {
		this.running = false;
		if (!this.thread.join(STOP_TIMEOUT)) {
			throw new IllegalStateException("The dispatching thread did not stop within " + STOP_TIMEOUT);
		}
		return this.stoppedAt;
	}

	boolean isRunning() {
		return this.thread.isAlive();
	}

}
