package dev.kafkatask.celery;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Date-times as Python's {@code datetime.isoformat()} writes them in Celery's {@code eta} and
 * {@code expires} headers: {@code 2030-01-02T03:04:05.678901+00:00} from an aware
 * date-time, {@code 2030-01-02T03:04:05} from a naive one.
 *
 * @author kafka-task
 */
final class PythonDateTimes {

	private PythonDateTimes() {
	}

	/**
	 * Parse an ISO-8601 date-time with an offset, with {@code Z}, or without either, which
	 * Celery reads as UTC (its default {@code enable_utc}).
	 * @param text the text
	 * @return the instant
	 * @throws DateTimeException if the text is not such a date-time
	 */
	static Instant parse(String text) {
		TemporalAccessor parsed = DateTimeFormatter.ISO_DATE_TIME.parseBest(text, OffsetDateTime::from,
				LocalDateTime::from);
		if (parsed instanceof OffsetDateTime offsetDateTime) {
			return offsetDateTime.toInstant();
		}
		return ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
	}

	/**
	 * Write an instant as Python's {@code isoformat()} of an aware UTC date-time, which
	 * every Celery version reads: microseconds at most (Celery 5.2 rejects more fraction
	 * digits), left out when zero.
	 * @param instant the instant
	 * @return the text
	 * @throws DateTimeException if the year is outside Python's 1 to 9999
	 */
	static String format(Instant instant) {
		LocalDateTime time = LocalDateTime.ofInstant(instant.truncatedTo(ChronoUnit.MICROS), ZoneOffset.UTC);
		if (time.getYear() < 1 || time.getYear() > 9999) {
			throw new DateTimeException("Year " + time.getYear() + " is outside Python's datetime range");
		}
		StringBuilder text = new StringBuilder(32);
		text.append(String.format(Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d", time.getYear(), time.getMonthValue(),
				time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond()));
		int micros = time.getNano() / 1_000;
		if (micros != 0) {
			text.append(String.format(Locale.ROOT, ".%06d", micros));
		}
		return text.append("+00:00").toString();
	}

}
