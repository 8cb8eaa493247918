package dev.kafkatask.options;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The options of Celery's {@code apply_async} and of its task decorator, by their Celery
 * names. Each option's value travels as JSON in the envelope's {@code options}; {@link #parse}
 * reads one from text (annotations and properties), {@link #validate} checks one from JSON.
 *
 * @author kafka-task
 */
public enum TaskOption {

	/** Seconds from now before the task may run ({@code apply_async(countdown=...)}). */
	COUNTDOWN("countdown", Kind.SECONDS),

	/** Earliest time the task may run, ISO-8601. */
	ETA("eta", Kind.INSTANT),

	/** Time after which the task must not run, ISO-8601 (or seconds from now when set as a number). */
	EXPIRES("expires", Kind.INSTANT),

	/** Id of the task. */
	TASK_ID("task_id", Kind.TEXT),

	/** Queue the task goes to. */
	QUEUE("queue", Kind.TEXT),

	/** AMQP routing key. */
	ROUTING_KEY("routing_key", Kind.TEXT),

	/** Priority, 0 to 255. */
	PRIORITY("priority", Kind.PRIORITY),

	/** Extra message headers. */
	HEADERS("headers", Kind.OBJECT),

	/** Name shown in logs instead of the task's. */
	SHADOW("shadow", Kind.TEXT),

	/** Hard time limit in seconds. */
	TIME_LIMIT("time_limit", Kind.SECONDS),

	/** Soft time limit in seconds. */
	SOFT_TIME_LIMIT("soft_time_limit", Kind.SECONDS),

	/** Whether the task's result is thrown away. */
	IGNORE_RESULT("ignore_result", Kind.BOOLEAN),

	/** Where the task's result goes. */
	REPLY_TO("reply_to", Kind.TEXT),

	/** Serializer of the arguments. */
	SERIALIZER("serializer", Kind.TEXT),

	/** Compression of the message body. */
	COMPRESSION("compression", Kind.TEXT),

	/** Task(s) to run after this one succeeded. */
	LINK("link", Kind.ANY),

	/** Task(s) to run after this one failed. */
	LINK_ERROR("link_error", Kind.ANY),

	/** The rest of a chain, as Celery writes it: its signatures, the next one last. */
	CHAIN("chain", Kind.ANY),

	/** The callback of the chord this task is a member of, a signature with its {@code chord_size}. */
	CHORD("chord", Kind.OBJECT),

	/** Id of the group this task is a member of. */
	GROUP("group", Kind.TEXT),

	/** Index of this task in its group. */
	GROUP_INDEX("group_index", Kind.INTEGER),

	/** Whether publishing is retried when the broker connection fails. */
	RETRY("retry", Kind.BOOLEAN),

	/** How publishing is retried. */
	RETRY_POLICY("retry_policy", Kind.OBJECT),

	/** Most retries before the task fails for good. */
	MAX_RETRIES("max_retries", Kind.INTEGER),

	/** Seconds before a retry, without backoff. */
	DEFAULT_RETRY_DELAY("default_retry_delay", Kind.SECONDS),

	/** Exception classes that retry the task automatically. */
	AUTORETRY_FOR("autoretry_for", Kind.NAMES),

	/** Exponential backoff of automatic retries: false, true (1 s) or the factor in seconds. */
	RETRY_BACKOFF("retry_backoff", Kind.BACKOFF),

	/** Longest backoff in seconds. */
	RETRY_BACKOFF_MAX("retry_backoff_max", Kind.SECONDS),

	/** Whether backoffs are randomised. */
	RETRY_JITTER("retry_jitter", Kind.BOOLEAN),

	/** Whether the message is acknowledged after the task ran. */
	ACKS_LATE("acks_late", Kind.BOOLEAN),

	/** Whether a task whose worker died is run again. */
	REJECT_ON_WORKER_LOST("reject_on_worker_lost", Kind.BOOLEAN),

	/** Most runs per second, minute or hour per worker, like {@code "100/m"}. */
	RATE_LIMIT("rate_limit", Kind.RATE),

	/** Whether the task reports a STARTED state. */
	TRACK_STARTED("track_started", Kind.BOOLEAN),

	/** Exception classes the task is expected to raise: logged without a stack trace. */
	THROWS("throws", Kind.NAMES);

	private static final Map<String, TaskOption> BY_NAME = Arrays.stream(values())
		.collect(Collectors.toMap(TaskOption::celeryName, Function.identity()));

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	/**
	 * Longest time in seconds an option may name (100 years): a countdown, a time limit or a
	 * retry delay beyond it is a mistake, and would overflow the arithmetic of due times.
	 */
	public static final double MAX_SECONDS = 100 * 365 * 86_400.0;

	/**
	 * Longest interval a rate limit may leave between runs, in seconds: one run a day.
	 */
	public static final double MAX_RATE_INTERVAL_SECONDS = 86_400.0;

	/**
	 * Earliest instant an option may name: Python's {@code datetime.min}, 0001-01-01.
	 */
	public static final Instant MIN_INSTANT = Instant.parse("0001-01-01T00:00:00Z");

	/**
	 * Latest instant an option may name: the end of Python's {@code datetime.max}, 9999-12-31.
	 */
	public static final Instant MAX_INSTANT = Instant.parse("9999-12-31T23:59:59.999999999Z");

	private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)(?:/([smh]))?");

	private final String celeryName;

	private final Kind kind;

	TaskOption(String celeryName, Kind kind) {
		this.celeryName = celeryName;
		this.kind = kind;
	}

	/**
	 * Return the option's name in Celery, in envelopes and in properties.
	 * @return the name, for example {@code max_retries}
	 */
	public String celeryName() {
		return this.celeryName;
	}

	/**
	 * Return the option of a Celery name; dashes count as underscores
	 * ({@code max-retries} is {@code max_retries}).
	 * @param name the name
	 * @return the option, or {@code null} if Celery has no such option
	 */
	public static @Nullable TaskOption find(String name) {
		TaskOption option = BY_NAME.get(name);
		return (option != null) ? option : BY_NAME.get(name.trim().toLowerCase(Locale.ROOT).replace('-', '_'));
	}

	/**
	 * Return the option of a Celery name.
	 * @param name the name
	 * @return the option
	 * @throws IllegalArgumentException naming the known options if there is no such option
	 */
	public static TaskOption of(String name) {
		TaskOption option = find(name);
		if (option == null) {
			throw new IllegalArgumentException("Unknown task option '" + name + "'; the options are "
					+ Arrays.stream(values()).map(TaskOption::celeryName).toList());
		}
		return option;
	}

	/**
	 * Read a value of this option from text, as written in an annotation or a property.
	 * @param text the text
	 * @return the value as JSON
	 * @throws IllegalArgumentException if the text is not a value of this option
	 */
	public JsonNode parse(String text) {
		String value = text.trim();
		return validate(switch (this.kind) {
			case SECONDS, INTEGER, PRIORITY -> number(value);
			case RATE -> NODES.stringNode(value);
			case BOOLEAN -> {
				if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
					throw new IllegalArgumentException(describe(value) + ": expected true or false");
				}
				yield NODES.booleanNode(Boolean.parseBoolean(value.toLowerCase(Locale.ROOT)));
			}
			case NAMES -> {
				var names = NODES.arrayNode();
				Arrays.stream(value.split(",")).map(String::trim).filter((name) -> !name.isEmpty()).forEach(names::add);
				yield names;
			}
			case ANY, BACKOFF -> (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false"))
					? NODES.booleanNode(Boolean.parseBoolean(value.toLowerCase(Locale.ROOT)))
					: isNumber(value) ? number(value) : NODES.stringNode(value);
			case TEXT, INSTANT -> NODES.stringNode(value);
			case OBJECT -> throw new IllegalArgumentException(describe(value) + ": set it per dispatch");
		});
	}

	/**
	 * Check a JSON value of this option.
	 * @param value the value
	 * @return the value
	 * @throws IllegalArgumentException if it is not a value of this option
	 */
	public JsonNode validate(JsonNode value) {
		boolean valid = switch (this.kind) {
			case SECONDS -> isSeconds(value);
			case INTEGER -> value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 0;
			case PRIORITY -> value.isIntegralNumber() && value.canConvertToInt() && value.asInt() >= 0
					&& value.asInt() <= 255;
			case BOOLEAN -> value.isBoolean();
			case TEXT -> value.isString() && !value.asString().isBlank();
			case INSTANT -> (value.isString() && instant(value.asString()) != null)
					|| (this == EXPIRES && isSeconds(value));
			case NAMES -> value.isArray() && value.valueStream().allMatch((name) -> name.isString()
					&& !name.asString().isBlank());
			case OBJECT -> value.isObject();
			case RATE -> (value.isString() && isRate(value.asString())) || (value.isNumber() && isSeconds(value)
					&& isRate(value.asDouble(), 1));
			case BACKOFF -> value.isBoolean() || isSeconds(value);
			case ANY -> true;
		};
		if (!valid) {
			throw new IllegalArgumentException(describe(abbreviate(value.toString())) + ": expected "
					+ this.kind.description);
		}
		return value;
	}

	/**
	 * Check every option of a task that has a meaning here (a Celery option, by its Celery
	 * name); others travel as they are and mean nothing. A {@code null} value is an option
	 * that is not set.
	 * @param options the options, by name
	 * @throws IllegalArgumentException naming the first option whose value is not one
	 */
	public static void validateAll(Map<String, JsonNode> options) {
		options.forEach((name, value) -> {
			TaskOption option = BY_NAME.get(name);
			if (option != null && !value.isNull()) {
				option.validate(value);
			}
		});
	}

	/**
	 * Read an instant as an option names it: ISO-8601, between {@link #MIN_INSTANT} and
	 * {@link #MAX_INSTANT}.
	 * @param text the text
	 * @return the instant, or {@code null} if the text is not one
	 */
	public static @Nullable Instant instant(String text) {
		try {
			Instant instant = Instant.parse(text);
			return (instant.isBefore(MIN_INSTANT) || instant.isAfter(MAX_INSTANT)) ? null : instant;
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static boolean isSeconds(JsonNode value) {
		if (!value.isNumber()) {
			return false;
		}
		double seconds = value.asDouble();
		return Double.isFinite(seconds) && seconds >= 0 && seconds <= MAX_SECONDS;
	}

	private static boolean isRate(String rate) {
		Matcher matcher = RATE.matcher(rate.trim().toLowerCase(Locale.ROOT));
		if (!matcher.matches()) {
			return false;
		}
		String unit = (matcher.group(2) != null) ? matcher.group(2) : "s";
		return isRate(Double.parseDouble(matcher.group(1)), switch (unit) {
			case "m" -> 60;
			case "h" -> 3600;
			default -> 1;
		});
	}

	/**
	 * Whether a count of runs per unit is a rate: above zero, and at least one run a day
	 * (slower is a mistake, as Celery has it, and would overflow the arithmetic of slots).
	 */
	private static boolean isRate(double count, int unitSeconds) {
		return count > 0 && unitSeconds / count <= MAX_RATE_INTERVAL_SECONDS;
	}

	private static String abbreviate(String value) {
		return (value.length() <= 100) ? value : value.substring(0, 100) + "...";
	}

	private String describe(String value) {
		return "Task option '" + this.celeryName + "' cannot be " + value;
	}

	private JsonNode number(String value) {
		if (!isNumber(value)) {
			throw new IllegalArgumentException(describe(value) + ": expected " + this.kind.description);
		}
		return value.contains(".") ? NODES.numberNode(Double.parseDouble(value)) : NODES.numberNode(Long.parseLong(value));
	}

	private static boolean isNumber(String value) {
		return value.matches("\\d+(\\.\\d+)?");
	}

	@Override
	public String toString() {
		return this.celeryName;
	}

	private enum Kind {

		SECONDS("a number of seconds from 0 to 100 years"), INTEGER("a whole number >= 0"),
		PRIORITY("a whole number from 0 to 255"), BOOLEAN("true or false"), TEXT("a non-empty string"),
		INSTANT("an ISO-8601 instant between the years 1 and 9999"), NAMES("a list of class names"),
		OBJECT("an object"), RATE("a rate like 10/s, 100/m or 1000/h"),
		BACKOFF("true, false or a number of seconds"), ANY("any value");

		private final String description;

		Kind(String description) {
			this.description = description;
		}

	}

}
