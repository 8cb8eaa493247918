package dev.kafkatask.codec;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * Parses ISO-8601 instants as {@link Instant#toString()} writes them
 * ({@code 2026-01-01T00:00:00Z}, with 0, 3, 6 or 9 fraction digits) without the generic
 * formatter, which costs as much as the rest of decoding an envelope. Anything else, such as
 * an offset other than {@code Z} or a leap second, falls back to {@link Instant#parse}.
 *
 * @author kafka-task
 */
final class IsoInstants {

	private static final int SECONDS_END = 19;

	private IsoInstants() {
	}

	/**
	 * Parse an ISO-8601 instant.
	 * @param text the text
	 * @return the instant
	 * @throws DateTimeParseException if the text is not an ISO-8601 instant
	 */
	static Instant parse(String text) {
		Instant instant = parseCanonical(text);
		return (instant != null) ? instant : Instant.parse(text);
	}

	private static Instant parseCanonical(String text) {
		int length = text.length();
		if (length < SECONDS_END + 1 || text.charAt(length - 1) != 'Z' || text.charAt(4) != '-'
				|| text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':'
				|| text.charAt(16) != ':') {
			return null;
		}
		int year = digits(text, 0, 4);
		int month = digits(text, 5, 7);
		int day = digits(text, 8, 10);
		int hour = digits(text, 11, 13);
		int minute = digits(text, 14, 16);
		int second = digits(text, 17, SECONDS_END);
		if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
				|| second > 59) {
			return null;
		}
		int nanos = 0;
		int fractionEnd = length - 1;
		if (fractionEnd > SECONDS_END) {
			int fractionDigits = fractionEnd - SECONDS_END - 1;
			if (text.charAt(SECONDS_END) != '.' || fractionDigits < 1 || fractionDigits > 9) {
				return null;
			}
			int fraction = digits(text, SECONDS_END + 1, fractionEnd);
			if (fraction < 0) {
				return null;
			}
			nanos = fraction;
			for (int i = fractionDigits; i < 9; i++) {
				nanos *= 10;
			}
		}
		try {
			long days = LocalDate.of(year, month, day).toEpochDay();
			return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

	private static int digits(String text, int start, int end) {
		int value = 0;
		for (int i = start; i < end; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}
