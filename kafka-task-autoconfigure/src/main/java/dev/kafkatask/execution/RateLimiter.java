package dev.kafkatask.execution;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.options.TaskOption;

/**
 * Celery's {@code rate_limit} for one task in one worker: at most {@code count} runs per
 * second, minute or hour ({@code "100/m"}; a bare number is per second), evenly spaced. A
 * run asks for a slot with {@link #reserve()} and is told how long to wait for it; waiting
 * is the caller's business, so that a task over its limit need not hold a thread.
 *
 * @author kafka-task
 */
public final class RateLimiter {

	private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)(?:/([smh]))?");

	private static final double MAX_INTERVAL_NANOS = TaskOption.MAX_RATE_INTERVAL_SECONDS * 1e9;

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
		Matcher matcher = RATE.matcher(rate.trim().toLowerCase(Locale.ROOT));
		if (matcher.matches()) {
			double count = Double.parseDouble(matcher.group(1));
			TimeUnit unit = switch ((matcher.group(2) != null) ? matcher.group(2) : "s") {
				case "m" -> TimeUnit.MINUTES;
				case "h" -> TimeUnit.HOURS;
				default -> TimeUnit.SECONDS;
			};
			RateLimiter limiter = of(count, unit);
			if (limiter != null) {
				return limiter;
			}
		}
		throw new IllegalArgumentException("Rate limit '" + rate
				+ "' is not <count>, <count>/s, <count>/m or <count>/h, above 0 and at least one a day");
	}

	/**
	 * Return a limiter of a number of runs per second, as Celery reads a numeric rate limit.
	 * @param perSecond the most runs per second
	 * @return the limiter
	 * @throws IllegalArgumentException if it is not above 0 and at least one a day
	 */
	public static RateLimiter perSecond(double perSecond) {
		RateLimiter limiter = Double.isFinite(perSecond) ? of(perSecond, TimeUnit.SECONDS) : null;
		if (limiter == null) {
			throw new IllegalArgumentException("Rate limit " + perSecond + "/s is not above 0 and at least one a day");
		}
		return limiter;
	}

	private static @Nullable RateLimiter of(double count, TimeUnit unit) {
		double intervalNanos = unit.toNanos(1) / count;
		return (count > 0 && intervalNanos <= MAX_INTERVAL_NANOS)
				? new RateLimiter(Math.max(1, Math.round(intervalNanos))) : null;
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
