package dev.kafkatask.celery;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * How {@link CeleryMessageCodec} reads and checks the properties and headers of a Celery
 * message — its content type and encoding, required headers, retries, dates, and the headers
 * that belong to the broker rather than to the task — and reads the options it writes as
 * headers.
 *
 * @author kafka-task
 */
final class CeleryHeaders {

	static final String CONTENT_TYPE = CeleryMessageCodec.CONTENT_TYPE;

	static final String CONTENT_ENCODING = CeleryMessageCodec.CONTENT_ENCODING;

	private CeleryHeaders() {
	}

	static void checkContentType(@Nullable String contentType) {
		if (contentType == null || contentType.isBlank()) {
			throw new InvalidCeleryMessageException(
					"Message has no content type; expected " + CONTENT_TYPE + " (Celery's json serializer)");
		}
		String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
		if (!CONTENT_TYPE.equals(mediaType)) {
			throw new InvalidCeleryMessageException("Content type '" + contentType + "' is not supported; only "
					+ CONTENT_TYPE + " is read (set task_serializer = 'json' in Celery)");
		}
	}

	static void checkContentEncoding(@Nullable String contentEncoding) {
		// JSON without an encoding is UTF-8 (RFC 8259).
		if (contentEncoding != null && !contentEncoding.equalsIgnoreCase(CONTENT_ENCODING)
				&& !contentEncoding.equalsIgnoreCase("utf8")) {
			throw new InvalidCeleryMessageException("Content encoding '" + contentEncoding
					+ "' is not supported; only " + CONTENT_ENCODING + " is read");
		}
	}

	static String requiredText(Map<String, JsonNode> headers, String name) {
		JsonNode value = headers.get(name);
		if (value == null || !value.isString() || value.stringValue().isBlank()) {
			throw new InvalidCeleryMessageException(
					"Header '" + name + "' must be a non-blank string, not " + ((value != null) ? value : "missing"));
		}
		return value.stringValue();
	}

	static int retries(@Nullable JsonNode value) {
		if (isMissing(value)) {
			return 0;
		}
		if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
			throw new InvalidCeleryMessageException("Header 'retries' must be a non-negative integer, not " + value);
		}
		return value.intValue();
	}

	static Instant instantHeader(String name, JsonNode value) {
		if (value.isString()) {
			try {
				return PythonDateTimes.parse(value.stringValue());
			}
			catch (DateTimeException ex) {
				// fall through to the error below
			}
		}
		throw new InvalidCeleryMessageException("Header '" + name + "' must be an ISO-8601 date-time, not " + value);
	}

	/**
	 * Whether a header is one RabbitMQ reads or writes, such as {@code x-death} on a
	 * dead-lettered message or the sender-selected {@code CC} and {@code BCC} routing keys: it
	 * is about this delivery, and must not travel on with the task (written back as text,
	 * {@code CC} would make RabbitMQ refuse every publish of it).
	 */
	static boolean isBrokerHeader(String name) {
		return name.startsWith("x-death") || name.startsWith("x-first-death") || name.startsWith("x-last-death")
				|| name.equals("CC") || name.equals("BCC");
	}

	static boolean isSecondsOrNull(JsonNode value) {
		return value.isNull() || value.isNumber();
	}

	static String describe(JsonNode node) {
		if (node.isArray()) {
			return "an array of " + node.size();
		}
		if (node.isObject()) {
			return "an object";
		}
		return node.isNull() ? "null" : "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
	}

	static boolean isMissing(@Nullable JsonNode value) {
		return value == null || value.isNull();
	}
	static @Nullable Instant instantOption(Map<String, JsonNode> options, String name) {
		JsonNode value = options.get(name);
		if (CeleryHeaders.isMissing(value)) {
			return null;
		}
		if (value.isString()) {
			try {
				return PythonDateTimes.parse(value.stringValue());
			}
			catch (DateTimeException ex) {
				// fall through to the error below
			}
		}
		throw new IllegalArgumentException("Option '" + name + "' must be an ISO-8601 instant, not " + value);
	}

	static @Nullable String pythonDateTime(String option, @Nullable Instant instant) {
		if (instant == null) {
			return null;
		}
		try {
			return PythonDateTimes.format(instant);
		}
		catch (DateTimeException ex) {
			throw new IllegalArgumentException(
					"Option '" + option + "' must be an instant in Python's years 1 to 9999, not " + instant, ex);
		}
	}

	static @Nullable Number seconds(Map<String, JsonNode> options, String name) {
		JsonNode value = options.get(name);
		if (CeleryHeaders.isMissing(value)) {
			return null;
		}
		if (!value.isNumber()) {
			throw new IllegalArgumentException("Option '" + name + "' must be a number of seconds, not " + value);
		}
		return (Number) AmqpHeaderValues.fromJson(value);
	}

	static @Nullable Integer priority(@Nullable JsonNode value) {
		if (CeleryHeaders.isMissing(value)) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0 || value.intValue() > 255) {
			throw new IllegalArgumentException("Option 'priority' must be an integer from 0 to 255, not " + value);
		}
		return value.intValue();
	}

	static Map<String, String> orderedMap(String... pairs) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i < pairs.length; i += 2) {
			map.put(pairs[i], pairs[i + 1]);
		}
		return map;
	}

}
