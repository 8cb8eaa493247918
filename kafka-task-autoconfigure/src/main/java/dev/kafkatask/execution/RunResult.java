package dev.kafkatask.execution;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * How one run of a task ended. Nothing is counted yet: the caller records the outcome once
 * the task's record or message is settled.
 *
 * @param status how it ended
 * @param failure what it threw, or {@code null} if it succeeded
 * @param retryIn how long until the retry, for {@link Status#RETRY}
 * @param value what the task returned, for {@link Status#SUCCEEDED}
 * @param duration how long it ran
 * @author kafka-task
 */
public record RunResult(Status status, @Nullable Throwable failure, @Nullable Duration retryIn,
		@Nullable Object value, Duration duration) {

	static RunResult succeeded(@Nullable Object value, Duration duration) {
		return new RunResult(Status.SUCCEEDED, null, null, value, duration);
	}

	/**
	 * How a run ended.
	 */
	public enum Status {

		/** The task returned. */
		SUCCEEDED,

		/** The task threw, and is not retried. */
		FAILED,

		/** The task threw, and is to be retried after {@link RunResult#retryIn()}. */
		RETRY,

		/** The task threw a retrying failure but has had all its retries. */
		RETRIES_EXHAUSTED,

		/**
		 * The task hit its hard time limit and was given up: its record was settled then,
		 * from the time-limit timer; what the thread did afterwards counts for nothing.
		 */
		ABANDONED,

		/**
		 * The task threw after it was terminated ({@code revoke} with {@code terminate}): it
		 * is revoked, neither retried nor dead-lettered.
		 */
		TERMINATED

	}

}
