package dev.kafkatask.execution;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Enforces Celery's time limits on running tasks from one timer thread. At the soft limit
 * the task's thread is interrupted (the Java form of {@code SoftTimeLimitExceeded}: sleeps,
 * waits and interruptible I/O end). At the hard limit the task is abandoned: the caller's
 * callback marks it failed and frees its slot, so its record can be committed, and the
 * stuck thread is reported with its stack; the thread itself cannot be killed, and whatever
 * it returns later is ignored.
 *
 * @author kafka-task
 */
final class TimeLimits {

	private static final Log logger = LogFactory.getLog(TimeLimits.class);

	private volatile @Nullable ScheduledExecutorService timer;

	/**
	 * Watch a run.
	 * @param thread the thread that runs the task
	 * @param name the name the task is logged under
	 * @param id the task id
	 * @param soft the soft limit, or {@code null}
	 * @param hard the hard limit, or {@code null}
	 * @param onSoftLimit called once, from the timer thread, if the soft limit is hit
	 * @param onHardLimit called once, from the timer thread, if the hard limit is hit
	 * @return the guard, to cancel when the run ends
	 */
	Guard watch(Thread thread, String name, String id, @Nullable Duration soft, @Nullable Duration hard,
			Runnable onSoftLimit, Runnable onHardLimit) {
		Guard guard = new Guard();
		if (soft == null && hard == null) {
			return guard;
		}
		ScheduledExecutorService scheduler = timer();
		if (soft != null) {
			guard.soft = scheduler.schedule(() -> {
				if (!guard.ended.get()) {
					logger.warn("Task '" + name + "' [" + id + "] exceeded its soft time limit of " + soft.toMillis()
							+ " ms: interrupting it");
					thread.interrupt();
					onSoftLimit.run();
				}
			}, soft.toMillis(), TimeUnit.MILLISECONDS);
		}
		if (hard != null) {
			guard.hard = scheduler.schedule(() -> {
				if (guard.ended.compareAndSet(false, true)) {
					guard.abandoned = true;
					StringBuilder stack = new StringBuilder();
					for (StackTraceElement frame : thread.getStackTrace()) {
						stack.append("\n\tat ").append(frame);
					}
					logger.error("Task '" + name + "' [" + id + "] exceeded its time limit of " + hard.toMillis()
							+ " ms: abandoned as failed, its slot freed; its thread " + thread + " is stuck at:" + stack);
					thread.interrupt();
					onHardLimit.run();
				}
			}, hard.toMillis(), TimeUnit.MILLISECONDS);
		}
		return guard;
	}

	private ScheduledExecutorService timer() {
		ScheduledExecutorService current = this.timer;
		if (current == null) {
			synchronized (this) {
				current = this.timer;
				if (current == null) {
					current = Executors.newSingleThreadScheduledExecutor(
							Thread.ofPlatform().name("kafka-task-time-limits").daemon(true).factory());
					this.timer = current;
				}
			}
		}
		return current;
	}

	/**
	 * The limits of one run.
	 */
	static final class Guard {

		private final AtomicBoolean ended = new AtomicBoolean();

		private volatile boolean abandoned;

		private volatile @Nullable ScheduledFuture<?> soft;

		private volatile @Nullable ScheduledFuture<?> hard;

		/**
		 * End the watch: the run ended.
		 * @return whether the run had been abandoned at its hard limit before
		 */
		boolean end() {
			if (!this.ended.compareAndSet(false, true)) {
				return this.abandoned;
			}
			ScheduledFuture<?> softLimit = this.soft;
			if (softLimit != null) {
				softLimit.cancel(false);
			}
			ScheduledFuture<?> hardLimit = this.hard;
			if (hardLimit != null) {
				hardLimit.cancel(false);
			}
			return false;
		}

	}

}
