package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.monitor.TaskObserver;

/**
 * Runs a worker's consumer loops ({@link PollLoop}, {@link ShareLoop}) on a consumer thread until the worker is stopped: a loop that
 * ends on an exception (the consumer failed, or kafka-task did) is logged and counted, and a
 * new loop with a new consumer takes over after a back-off (1 s, doubling up to 30 s), so
 * that the worker never stops consuming for good. The failed loop's unfinished records were
 * not committed: they run again.
 * <p>
 * One failure is expected and retried every {@value #UNRELEASED_RETRY_SECONDS} s instead: a
 * group instance id ({@code group.instance.id}) still held by a member that did not leave the
 * group, typically a worker with the same id that was killed. Under the {@code consumer}
 * group protocol the brokers release it only when that member's session times out; joining
 * again soon after shortens the time its partitions wait.
 *
 * @author kafka-task
 */
final class PollLoopSupervisor implements Runnable {

	private static final Log logger = LogFactory.getLog(PollLoopSupervisor.class);

	private static final Duration BACKOFF_MIN = Duration.ofSeconds(1);

	private static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

	private static final long UNRELEASED_RETRY_SECONDS = 2;

	private static final Duration UNRELEASED_RETRY = Duration.ofSeconds(UNRELEASED_RETRY_SECONDS);

	private final String groupId;

	private final ConsumerLoop first;

	private final CountDownLatch stopRequested;

	private final Supplier<? extends @Nullable ConsumerLoop> restart;

	private final TaskObserver observer;

	private boolean unreleasedExplained;

	/**
	 * Create a supervisor.
	 * @param groupId the worker's group
	 * @param first the loop to run first
	 * @param stopRequested counted down when the worker is stopped
	 * @param restart makes the next loop, or {@code null} once the worker was stopped
	 * @param observer told of each failure
	 */
	PollLoopSupervisor(String groupId, ConsumerLoop first, CountDownLatch stopRequested,
			Supplier<? extends @Nullable ConsumerLoop> restart, TaskObserver observer) {
		this.groupId = groupId;
		this.first = first;
		this.stopRequested = stopRequested;
		this.restart = restart;
		this.observer = observer;
	}

	@Override
	public void run() {
		ConsumerLoop current = this.first;
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
			boolean unreleased = failure instanceof UnreleasedInstanceIdException;
			if (unreleased) {
				explainUnreleased();
			}
			while (current == null) {
				Duration wait;
				if (unreleased) {
					wait = UNRELEASED_RETRY;
					unreleased = false;
				}
				else {
					wait = backoff;
					backoff = (backoff.compareTo(BACKOFF_MAX.dividedBy(2)) < 0) ? backoff.multipliedBy(2) : BACKOFF_MAX;
				}
				logger.warn("Task consumer of group '" + this.groupId + "' starts again in " + wait.toMillis()
						+ " ms, with a new consumer");
				if (stopRequestedWithin(wait)) {
					return;
				}
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

	private void explainUnreleased() {
		if (!this.unreleasedExplained) {
			this.unreleasedExplained = true;
			logger.warn("The group instance id (group.instance.id) of the task consumer of group '" + this.groupId
					+ "' is held by a member that did not leave the group: most likely a worker with the same id "
					+ "that was killed. The group releases it when that member's session times out (under the "
					+ "consumer group protocol, the brokers' group.consumer.session.timeout.ms); trying again every "
					+ UNRELEASED_RETRY_SECONDS + " s until then.");
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
