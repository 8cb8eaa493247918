package dev.kafkatask.kafka.beat;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The brokers do not allow the session timeout the beat's election asks for
 * ({@code kafka-task.beat.session-timeout}): no instance can join the election, so no
 * periodic task fires. Thrown when the beat starts if the brokers said so then, or when the
 * election's join is refused.
 *
 * @author kafka-task
 */
public class BeatSessionTimeoutException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	/**
	 * The property that sets the session timeout.
	 */
	public static final String PROPERTY = "kafka-task.beat.session-timeout";

	private final Duration sessionTimeout;

	private final @Nullable SessionTimeoutBounds bounds;

	/**
	 * Create an exception.
	 * @param sessionTimeout the session timeout asked for
	 * @param bounds what the brokers allow, or {@code null} when they could not be asked
	 * @param cause the refusal of the join, or {@code null}
	 */
	public BeatSessionTimeoutException(Duration sessionTimeout, @Nullable SessionTimeoutBounds bounds,
			@Nullable Throwable cause) {
		super(message(sessionTimeout, bounds), cause);
		this.sessionTimeout = sessionTimeout;
		this.bounds = bounds;
	}

	private static String message(Duration sessionTimeout, @Nullable SessionTimeoutBounds bounds) {
		String asked = "The beat's session timeout " + PROPERTY + "=" + SessionTimeoutBounds.format(sessionTimeout);
		if (bounds != null) {
			return asked + " is outside what the brokers allow, " + bounds
					+ ": no instance can join the beat's election, so no periodic task fires";
		}
		return asked + " was refused by the brokers (InvalidSessionTimeoutException): it must lie within their "
				+ SessionTimeoutBounds.MIN_CONFIG + " (6s unless configured) and " + SessionTimeoutBounds.MAX_CONFIG
				+ " (30m unless configured); until it does, no instance joins the beat's election and no periodic"
				+ " task fires";
	}

	/**
	 * Return the session timeout asked for.
	 * @return the session timeout
	 */
	public Duration getSessionTimeout() {
		return this.sessionTimeout;
	}

	/**
	 * Return what the brokers allow.
	 * @return the bounds, or {@code null} when the brokers could not be asked
	 */
	public @Nullable SessionTimeoutBounds getBounds() {
		return this.bounds;
	}

}
