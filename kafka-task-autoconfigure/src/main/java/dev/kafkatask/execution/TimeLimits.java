package dev.kafkatask.execution;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Enforces Celery's time limits on running tasks from one timer thread. At the soft limit
 * the task's thread is interrupted (the Java form of {@code SoftTimeLimitExceeded}: sleeps,
 * waits and interruptible I/O end). At the hard limit the task is abandoned: the caller's
 * callback settles its record at once, and the stuck thread is reported with its stack; the
 * thread itself cannot be killed, and whatever it returns later is ignored.
 * <p>
 * A run that ends removes its timers from the queue there and then, so that memory follows
 * the tasks running now, not those that ran within the longest limit; and an interrupt the
 * soft limit sent is cleared when the run ends, so that it cannot cut short what the caller
 * does next (writing a retry, a result or a dead letter).
 *
 * @author kafka-task
 */
final class TimeLimits {

	private static final Log logger = LogFactory.getLog(TimeLimits.class);

	private volatile @Nullable ScheduledThreadPoolExecutor timer;

	/**
	 * Watch a run.
	 * @param thread the thread that runs the task
	 * @param name the name the task is logged under
	 * @param id the task id
	 * @param soft the soft limit, or {@code null}
	 * @param hard the hard limit, or {@code null}
	 * @param onSoftLimit called once, from the timer thread, if the soft limit is hit
	 * @param onHardLimit called once, from the timer thread, if the hard limit is hit
	 * @param terminable whether the run may be terminated ({@link Guard#terminate}) without
	 * limits of its own
	 * @return the guard, to end when the run ends, on the thread that runs the task
	 */
	Guard watch(Thread thread, String name, String id, @Nullable Duration soft, @Nullable Duration hard,
			Runnable onSoftLimit, Runnable onHardLimit, boolean terminable) {
		if (soft == null && hard == null) {
			return terminable ? new Guard() : Guard.NO_LIMITS;
		}
		Guard guard = new Guard();
		ScheduledThreadPoolExecutor scheduler = timer();
		if (soft != null) {
			guard.soft = scheduler.schedule(() -> {
				if (guard.interruptIfRunning(thread)) {
					logger.warn("Task '" + name + "' [" + id + "] exceeded its soft time limit of " + soft.toMillis()
							+ " ms: interrupted it");
					onSoftLimit.run();
				}
			}, soft.toMillis(), TimeUnit.MILLISECONDS);
		}
		if (hard != null) {
			guard.hard = scheduler.schedule(() -> {
				if (guard.abandon(thread)) {
					StringBuilder stack = new StringBuilder();
					for (StackTraceElement frame : thread.getStackTrace()) {
						stack.append("\n\tat ").append(frame);
					}
					logger.error("Task '" + name + "' [" + id + "] exceeded its time limit of " + hard.toMillis()
							+ " ms: abandoned, its record settled; its thread " + thread + " is stuck at:" + stack);
					onHardLimit.run();
				}
			}, hard.toMillis(), TimeUnit.MILLISECONDS);
		}
		return guard;
	}

	/**
	 * Return how many timers are queued: one or two per run being watched.
	 * @return the count
	 */
	int scheduled() {
		ScheduledThreadPoolExecutor current = this.timer;
		return (current != null) ? current.getQueue().size() : 0;
	}

	private ScheduledThreadPoolExecutor timer() {
		ScheduledThreadPoolExecutor current = this.timer;
		if (current == null) {
			synchronized (this) {
				current = this.timer;
				if (current == null) {
					current = new ScheduledThreadPoolExecutor(1,
							Thread.ofPlatform().name("kafka-task-time-limits").daemon(true).factory());
					current.setRemoveOnCancelPolicy(true);
					this.timer = current;
				}
			}
		}
		return current;
	}

	/**
	 * The limits of one run. A {@link ReentrantLock} orders the timer's interrupt against the
	 * end of the run, so that no interrupt arrives after the run ended.
	 */
	static final class Guard {

		/**
		 * The guard of runs without limits: nothing to end.
		 */
		static final Guard NO_LIMITS = new Guard();

		private final ReentrantLock lock = new ReentrantLock();

		private boolean ended;

		private boolean abandoned;

		private boolean interrupted;

		private boolean terminated;

		private volatile @Nullable ScheduledFuture<?> soft;

		private volatile @Nullable ScheduledFuture<?> hard;

		private boolean interruptIfRunning(Thread thread) {
			this.lock.lock();
			try {
				if (this.ended) {
					return false;
				}
				this.interrupted = true;
				thread.interrupt();
				return true;
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Terminate the run: interrupt its thread, as the soft limit does, unless it ended.
		 * @param thread the thread that runs the task
		 * @return whether the run was still going
		 */
		boolean terminate(Thread thread) {
			if (this == NO_LIMITS) {
				return false;
			}
			this.lock.lock();
			try {
				if (this.ended) {
					return false;
				}
				this.interrupted = true;
				this.terminated = true;
				thread.interrupt();
				return true;
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Whether the run was terminated before it ended.
		 * @return whether it was
		 */
		boolean wasTerminated() {
			this.lock.lock();
			try {
				return this.terminated;
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * Abandon the run, interrupting its thread under the lock: an interrupt sent after the
		 * lock was let go could reach whatever the thread runs next, once it returned.
		 */
		private boolean abandon(Thread thread) {
			this.lock.lock();
			try {
				if (this.ended) {
					return false;
				}
				this.ended = true;
				this.abandoned = true;
				thread.interrupt();
				return true;
			}
			finally {
				this.lock.unlock();
			}
		}

		/**
		 * End the watch: the run ended. Called on the thread that ran the task, whose
		 * interrupt status is cleared if a time limit interrupted it.
		 * @return whether the run had been abandoned at its hard limit before
		 */
		boolean end() {
			if (this == NO_LIMITS) {
				return false;
			}
			boolean wasAbandoned;
			boolean wasInterrupted;
			this.lock.lock();
			try {
				wasAbandoned = this.abandoned;
				wasInterrupted = this.interrupted || this.abandoned;
				this.ended = true;
			}
			finally {
				this.lock.unlock();
			}
			cancel(this.soft);
			cancel(this.hard);
			if (wasInterrupted) {
				Thread.interrupted();
			}
			return wasAbandoned;
		}

		private static void cancel(@Nullable ScheduledFuture<?> timer) {
			if (timer != null) {
				timer.cancel(false);
			}
		}

	}

}
