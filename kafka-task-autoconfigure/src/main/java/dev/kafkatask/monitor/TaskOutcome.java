package dev.kafkatask.monitor;

/**
 * How the handling of one task record ended.
 *
 * @author kafka-task
 */
public enum TaskOutcome {

	/**
	 * The task ran and returned.
	 */
	SUCCESS,

	/**
	 * The task ran and threw.
	 */
	FAILURE,

	/**
	 * The record was not run (invalid envelope, unknown task, arguments that do not bind, a
	 * forbidden destination) and went to the dead-letter destination; the reason is a
	 * {@link DeadLetterReason}.
	 */
	DEAD_LETTERED,

	/**
	 * The task was not run: its {@code expires} time had passed.
	 */
	EXPIRED,

	/**
	 * The task threw and is retried later.
	 */
	RETRY,

	/**
	 * The task was not due yet (an eta ahead, or its rate-limit slot later than a second
	 * from now): its record was settled by a copy that waits in the delay topics (or is
	 * republished to RabbitMQ) and runs then.
	 */
	DEFERRED,

	/**
	 * The task reached its hard time limit and was given up while its thread still ran; its
	 * record was retried or dead-lettered ({@code time-limit}).
	 */
	ABANDONED,

	/**
	 * The dispatch was refused: an option its backend does not support, under the
	 * {@code reject} policy.
	 */
	REJECTED,

	/**
	 * Not run: a copy of a task whose id already succeeded (a unique dispatch, a task of a
	 * canvas, a periodic task's slot; see {@code FinishedTasks}).
	 */
	DUPLICATE,

	/**
	 * Not run, or terminated while it ran: the task was revoked ({@code TaskRevoker}).
	 */
	REVOKED;

	private final String tagValue = name().toLowerCase(java.util.Locale.ROOT);

	/**
	 * Return the lower-case tag value of this outcome.
	 * @return the tag value
	 */
	public String tagValue() {
		return this.tagValue;
	}

}
