package dev.kafkatask.task;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Thrown by a task to be run again later, like Celery's {@code self.retry()}: the task is
 * retried after {@code countdown} (or its retry policy's delay), up to its
 * {@code max_retries}, without holding a worker thread or its partition while it waits.
 *
 * @author kafka-task
 */
public class TaskRetry extends RuntimeException {

	private final @Nullable Duration countdown;

	/**
	 * Retry after the task's retry policy's delay.
	 * @param cause why, or {@code null}
	 */
	public TaskRetry(@Nullable Throwable cause) {
		this(cause, null);
	}

	/**
	 * Retry after the given delay.
	 * @param cause why, or {@code null}
	 * @param countdown the delay, or {@code null} for the policy's
	 */
	public TaskRetry(@Nullable Throwable cause, @Nullable Duration countdown) {
		super("Retry requested" + ((cause != null) ? ": " + cause : ""), cause);
		this.countdown = countdown;
	}

	/**
	 * Return the delay the task asked for.
	 * @return the delay, or {@code null} for the retry policy's
	 */
	public @Nullable Duration getCountdown() {
		return this.countdown;
	}

}
