package dev.kafkatask.schedule;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.util.StringUtils;

/**
 * When a schedule fires: the instants of its slots. Every instance computes the same slots
 * from the same trigger, so a slot names one firing across a group of instances.
 *
 * @author kafka-task
 */
public sealed interface ScheduleTrigger {

	/**
	 * Return the first slot strictly after an instant.
	 * @param after the instant
	 * @return the next slot, or {@code null} when there is none (a cron expression that
	 * never matches again)
	 */
	@Nullable Instant next(Instant after);

	/**
	 * Return how the trigger was written, for the endpoint.
	 * @return the description
	 */
	String describe();

	/**
	 * Read a trigger as a schedule declares it: a cron expression (with a time zone) or a
	 * fixed rate, never both.
	 * @param cron a Spring cron expression (six fields, seconds first) or a macro such as
	 * {@code @hourly}; empty or {@code null} for none
	 * @param zone the time zone of the cron expression, empty or {@code null} for UTC
	 * @param fixedRate a duration ({@code 2s}, {@code 5m}, {@code PT1H}; a plain number is
	 * seconds), empty or {@code null} for none
	 * @return the trigger
	 * @throws IllegalArgumentException when both or neither are given, or a value is not
	 * valid
	 */
	static ScheduleTrigger of(@Nullable String cron, @Nullable String zone, @Nullable String fixedRate) {
		boolean hasCron = StringUtils.hasText(cron);
		boolean hasRate = StringUtils.hasText(fixedRate);
		if (hasCron == hasRate) {
			throw new IllegalArgumentException(
					hasCron ? "both cron and fixed-rate are set: set one" : "neither cron nor fixed-rate is set: set one");
		}
		if (hasRate) {
			if (StringUtils.hasText(zone)) {
				throw new IllegalArgumentException("zone '" + zone + "' is set for a fixed rate: it applies to cron only");
			}
			return FixedRate.of(fixedRate.trim());
		}
		return Cron.of(cron.trim(), StringUtils.hasText(zone) ? zone.trim() : null);
	}

	/**
	 * A cron expression in a time zone. Across a daylight-saving change the slots are those
	 * of Spring's {@link CronExpression}: a local time that does not exist that day (spring
	 * forward) does not fire that day, and a local time that exists twice (fall back) fires
	 * twice, once at each offset. A schedule in UTC has neither.
	 *
	 * @param expression the expression
	 * @param zone its time zone
	 */
	record Cron(CronExpression expression, ZoneId zone) implements ScheduleTrigger {

		static Cron of(String expression, @Nullable String zone) {
			CronExpression parsed;
			try {
				parsed = CronExpression.parse(expression);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("cron '" + expression + "' is not valid: " + ex.getMessage(), ex);
			}
			ZoneId zoneId;
			try {
				zoneId = (zone != null) ? ZoneId.of(zone) : ZoneOffset.UTC;
			}
			catch (DateTimeException ex) {
				throw new IllegalArgumentException("zone '" + zone + "' is not a time zone: " + ex.getMessage(), ex);
			}
			return new Cron(parsed, zoneId);
		}

		@Override
		public @Nullable Instant next(Instant after) {
			ZonedDateTime next = this.expression.next(after.atZone(this.zone));
			return (next != null) ? next.toInstant() : null;
		}

		@Override
		public String describe() {
			return "cron " + this.expression + " " + this.zone;
		}

	}

	/**
	 * A fixed rate. Its slots are the multiples of the rate since the epoch (UTC), so every
	 * instance agrees on them whenever it started: every 1 h fires on the hour, every 2 s on
	 * even seconds.
	 *
	 * @param rate the rate, at least a millisecond
	 */
	record FixedRate(Duration rate) implements ScheduleTrigger {

		public FixedRate {
			if (rate.compareTo(Duration.ofMillis(1)) < 0) {
				throw new IllegalArgumentException("fixed-rate " + rate + " must be at least 1ms");
			}
		}

		static FixedRate of(String text) {
			Duration rate;
			try {
				rate = DurationStyle.detectAndParse(text, java.time.temporal.ChronoUnit.SECONDS);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("fixed-rate '" + text + "' is not a duration such as 2s, 5m or PT1H",
						ex);
			}
			return new FixedRate(rate);
		}

		@Override
		public Instant next(Instant after) {
			long rateMillis = this.rate.toMillis();
			long slot = Math.floorDiv(after.toEpochMilli(), rateMillis) * rateMillis + rateMillis;
			return Instant.ofEpochMilli(slot);
		}

		@Override
		public String describe() {
			return "every " + DurationStyle.SIMPLE.print(this.rate);
		}

	}

}
