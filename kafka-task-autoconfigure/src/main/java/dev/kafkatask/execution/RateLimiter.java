package dev.kafkatask.execution;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Celery's {@code rate_limit} for one task in one worker: at most {@code count} runs per
 * second, minute or hour ({@code "100/m"}; a bare number is per second), evenly spaced. A
 * run asks for a slot with {@link #reserve()} and is told how long to wait for it; waiting
 * is the caller's business, so that a task over its limit need not hold a thread.
 *
 * @author kafka-task
 */
public final class RateLimiter {

	private final long intervalNanos;

	private long nextFree = System.nanoTime();

	private RateLimiter(long intervalNanos) {
		this.intervalNanos = intervalNanos;
	}

	/**
	 * Return the limiter of a Celery rate.
	 * @param rate the rate, for example {@code "100/m"}, {@code "10/s"}, {@code "5"}
	 * @return the limiter
	 * @throws IllegalArgumentException if the rate is not one
	 */
	public static RateLimiter of(String rate) {
		String[] parts = rate.trim().toLowerCase(Locale.ROOT).split("/");
		try {
			double count = Double.parseDouble(parts[0]);
			TimeUnit unit = (parts.length == 1) ? TimeUnit.SECONDS : switch (parts[1]) {
				case "s" -> TimeUnit.SECONDS;
				case "m" -> TimeUnit.MINUTES;
				case "h" -> TimeUnit.HOURS;
				default -> throw new IllegalArgumentException();
			};
			if (count <= 0 || parts.length > 2) {
				throw new IllegalArgumentException();
			}
			return new RateLimiter(Math.round(unit.toNanos(1) / count));
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"Rate limit '" + rate + "' is not <count>, <count>/s, <count>/m or <count>/h", ex);
		}
	}

	/**
	 * Reserve the next free slot.
	 * @return how long until it, zero if it is free now
	 */
	public synchronized Duration reserve() {
		long now = System.nanoTime();
		long slot = Math.max(this.nextFree, now);
		this.nextFree = slot + this.intervalNanos;
		return Duration.ofNanos(slot - now);
	}

}
