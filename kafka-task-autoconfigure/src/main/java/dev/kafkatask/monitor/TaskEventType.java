package dev.kafkatask.monitor;

import java.util.Locale;

/**
 * What happened to a task, as its lifecycle events say.
 *
 * @author kafka-task
 */
public enum TaskEventType {

	/** The broker took the task from its dispatcher. */
	DISPATCHED(false),

	/** A worker got the task, and it waits (not due yet, over its rate limit). */
	RECEIVED(false),

	/** A worker started the task. */
	STARTED(false),

	/** The task failed and runs again later. */
	RETRIED(false),

	/** The task succeeded. */
	SUCCEEDED(true),

	/** The task failed for good. */
	FAILED(true),

	/** The task was not run: past its {@code expires}. */
	EXPIRED(true),

	/** The task went to its dead-letter topic, with a reason. */
	DEAD_LETTERED(true),

	/** The task was revoked: it is not run. */
	REVOKED(true);

	private final boolean terminal;

	private final String code;

	TaskEventType(boolean terminal) {
		this.terminal = terminal;
		this.code = name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Whether no event follows this one, unless the task is sent again (a redrive).
	 * @return whether the task is done
	 */
	public boolean isTerminal() {
		return this.terminal;
	}

	/**
	 * Return the name of the event as written, such as {@code dead-lettered}.
	 * @return the name
	 */
	public String code() {
		return this.code;
	}

	/**
	 * Return the event type of a code.
	 * @param code the code, such as {@code succeeded}
	 * @return the type
	 * @throws IllegalArgumentException if no type has that code
	 */
	public static TaskEventType of(String code) {
		return valueOf(code.toUpperCase(Locale.ROOT).replace('-', '_'));
	}

}
