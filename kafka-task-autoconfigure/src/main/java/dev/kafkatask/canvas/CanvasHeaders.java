package dev.kafkatask.canvas;

/**
 * Headers that kafka-task sets on the tasks a worker dispatches after another one failed.
 *
 * @author kafka-task
 */
public final class CanvasHeaders {

	/**
	 * Header of an error link: what the failed task threw, {@code ExceptionClass: message},
	 * at most {@value #MAX_ERROR_LENGTH} characters.
	 */
	public static final String ERROR = "kafka-task-error";

	/**
	 * Header of an error link: the id of the task that failed (for a chord, of the member).
	 */
	public static final String FAILED_TASK = "kafka-task-failed-task";

	/**
	 * Longest error text carried in {@link #ERROR}.
	 */
	public static final int MAX_ERROR_LENGTH = 1000;

	private CanvasHeaders() {
	}

	/**
	 * Describe a failure for {@link #ERROR}.
	 * @param failure the failure
	 * @return {@code ExceptionClass: message}, cut to {@link #MAX_ERROR_LENGTH}
	 */
	public static String describe(Throwable failure) {
		String text = failure.getClass().getName() + ((failure.getMessage() != null) ? ": " + failure.getMessage() : "");
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) : text;
	}

}
