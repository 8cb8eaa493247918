package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.monitor.TaskObserver;

/**
 * Runs a worker's poll loops on its consumer thread until the worker is stopped: a loop that
 * ends on an exception (the consumer failed, or kafka-task did) is logged and counted, and a
 * new loop with a new consumer takes over after a back-off (1 s, doubling up to 30 s), so
 * that the worker never stops consuming for good. The failed loop's unfinished records were
 * not committed: they run again.
 *
 * @author kafka-task
 */
final class PollLoopSupervisor implements Runnable {

	private static final Log logger = LogFactory.getLog(PollLoopSupervisor.class);

	private static final Duration BACKOFF_MIN = Duration.ofSeconds(1);

	private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

	private final String groupId;

	private final PollLoop first;

	private final CountDownLatch stopRequested;

	private final Supplier<@Nullable PollLoop> restart;

	private final TaskObserver observer;

	/**
	 * Create a supervisor.
	 * @param groupId the worker's group
	 * @param first the loop to run first
	 * @param stopRequested counted down when the worker is stopped
	 * @param restart makes the next loop, or {@code null} once the worker was stopped
	 * @param observer told of each failure
	 */
	PollLoopSupervisor(String groupId, PollLoop first, CountDownLatch stopRequested,
			Supplier<@Nullable PollLoop> restart, TaskObserver observer) {
		this.groupId = groupId;
		this.first = first;
		this.stopRequested = stopRequested;
		this.restart = restart;
		this.observer = observer;
	}

	@Override
	public void run() {
		PollLoop current = this.first;
		Duration backoff = BACKOFF_MIN;
		while (current != null) {
			long started = System.nanoTime();
			current.run();
			Throwable failure = current.failure();
			if (failure == null || this.stopRequested.getCount() == 0) {
				return;
			}
			this.observer.backgroundFailure(TaskWorker.THREAD, failure);
			if (Duration.ofNanos(System.nanoTime() - started).compareTo(BACKOFF_MAX) > 0) {
				// it ran well for a while: this failure starts a new series
				backoff = BACKOFF_MIN;
			}
			current = null;
			while (current == null) {
				logger.warn("Task consumer of group '" + this.groupId + "' starts again in " + backoff.toMillis()
						+ " ms, with a new consumer");
				if (stopRequestedWithin(backoff)) {
					return;
				}
				backoff = (backoff.compareTo(BACKOFF_MAX.dividedBy(2)) < 0) ? backoff.multipliedBy(2) : BACKOFF_MAX;
				try {
					current = this.restart.get();
				}
				catch (RuntimeException ex) {
					this.observer.backgroundFailure(TaskWorker.THREAD, ex);
					logger.error("Task consumer of group '" + this.groupId + "' could not start again", ex);
					continue;
				}
				if (current == null) {
					return;
				}
				logger.info("Task consumer of group '" + this.groupId + "' started again");
			}
		}
	}

	private boolean stopRequestedWithin(Duration backoff) {
		try {
			return this.stopRequested.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return true;
		}
	}

}
