package dev.kafkatask.task;

import java.lang.reflect.Method;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

import dev.kafkatask.options.TaskOption;

/**
 * Reads the Celery options a {@link KafkaTask} annotation sets, in its typed attributes and in
 * its {@code options} strings, and checks them when the task is registered, so that a
 * mistake fails startup naming the method rather than surfacing at the first run.
 *
 * @author kafka-task
 */
final class AnnotatedTaskOptions {

	private AnnotatedTaskOptions() {
	}

	/**
	 * Read and check the options of a task method.
	 * @param method the task method
	 * @param annotation its annotation
	 * @return the options
	 * @throws TaskRegistrationException naming the method and the option if one is not valid,
	 * is set twice, or names an exception class that cannot be loaded
	 */
	static Map<TaskOption, JsonNode> read(Method method, KafkaTask annotation) {
		Map<TaskOption, JsonNode> options = new EnumMap<>(TaskOption.class);
		for (String entry : annotation.options()) {
			int equals = entry.indexOf('=');
			if (equals < 1) {
				throw invalid(method, "'" + entry + "' is not name=value");
			}
			String name = entry.substring(0, equals);
			try {
				TaskOption option = TaskOption.of(name);
				if (options.containsKey(option)) {
					throw invalid(method, option.celeryName() + " is set twice in options");
				}
				options.put(option, option.parse(entry.substring(equals + 1)));
			}
			catch (IllegalArgumentException ex) {
				throw invalid(method, ex.getMessage());
			}
		}
		typed(method, annotation).forEach((attribute, value) -> {
			TaskOption option = value.option();
			if (options.containsKey(option)) {
				throw invalid(method, option.celeryName() + " is set both by " + attribute + " and in options");
			}
			try {
				options.put(option, option.parse(value.text()));
			}
			catch (IllegalArgumentException ex) {
				throw invalid(method, attribute + ": " + ex.getMessage());
			}
		});
		checkExceptionNames(method, options, TaskOption.AUTORETRY_FOR);
		checkExceptionNames(method, options, TaskOption.THROWS);
		return options;
	}

	private static Map<String, Typed> typed(Method method, KafkaTask annotation) {
		Map<String, Typed> typed = new LinkedHashMap<>();
		if (annotation.autoretryFor().length > 0) {
			typed.put("autoretryFor", new Typed(TaskOption.AUTORETRY_FOR,
					Arrays.stream(annotation.autoretryFor()).map(Class::getName).collect(Collectors.joining(","))));
		}
		if (annotation.maxRetries() >= 0) {
			typed.put("maxRetries", new Typed(TaskOption.MAX_RETRIES, Integer.toString(annotation.maxRetries())));
		}
		seconds(method, "defaultRetryDelay", annotation.defaultRetryDelay())
			.ifPresent(typed, TaskOption.DEFAULT_RETRY_DELAY);
		String backoff = annotation.retryBackoff().trim();
		if (backoff.equalsIgnoreCase("true") || backoff.equalsIgnoreCase("false")) {
			typed.put("retryBackoff", new Typed(TaskOption.RETRY_BACKOFF, backoff));
		}
		else {
			seconds(method, "retryBackoff", backoff).ifPresent(typed, TaskOption.RETRY_BACKOFF);
		}
		if (StringUtils.hasText(annotation.rateLimit())) {
			typed.put("rateLimit", new Typed(TaskOption.RATE_LIMIT, annotation.rateLimit().trim()));
		}
		seconds(method, "softTimeLimit", annotation.softTimeLimit()).ifPresent(typed, TaskOption.SOFT_TIME_LIMIT);
		seconds(method, "timeLimit", annotation.timeLimit()).ifPresent(typed, TaskOption.TIME_LIMIT);
		return typed;
	}

	/**
	 * Read a duration attribute: a number of seconds, or a duration such as {@code 30s},
	 * {@code 2m} or {@code PT1H}.
	 */
	private static Seconds seconds(Method method, String attribute, String value) {
		String text = value.trim();
		if (text.isEmpty()) {
			return new Seconds(attribute, null);
		}
		if (text.matches("[0-9]+(\\.[0-9]+)?")) {
			return new Seconds(attribute, text);
		}
		try {
			Duration duration = DurationStyle.detectAndParse(text);
			return new Seconds(attribute, Double.toString(duration.toNanos() / 1e9));
		}
		catch (IllegalArgumentException | DateTimeParseException | ArithmeticException ex) {
			throw invalid(method, attribute + ": '" + text + "' is not a duration (such as 30s, 2m or 1.5)");
		}
	}

	private static void checkExceptionNames(Method method, Map<TaskOption, JsonNode> options, TaskOption option) {
		JsonNode names = options.get(option);
		if (names == null) {
			return;
		}
		ClassLoader classLoader = method.getDeclaringClass().getClassLoader();
		for (JsonNode name : names) {
			String className = name.asString();
			Class<?> type;
			try {
				type = ClassUtils.forName(className, classLoader);
			}
			catch (ClassNotFoundException | LinkageError ex) {
				throw invalid(method, option.celeryName() + " names " + className
						+ ", which is no class here (use the binary name, such as java.io.IOException or"
						+ " com.example.Outer$Inner)");
			}
			if (!Throwable.class.isAssignableFrom(type)) {
				throw invalid(method, option.celeryName() + " names " + className + ", which is not an exception");
			}
		}
	}

	private static TaskRegistrationException invalid(Method method, String reason) {
		return new TaskRegistrationException(
				"@KafkaTask method " + TaskDefinition.describe(method) + " has an invalid option: " + reason);
	}

	private record Typed(TaskOption option, String text) {
	}

	private record Seconds(String attribute, @Nullable String text) {

		void ifPresent(Map<String, Typed> typed, TaskOption option) {
			if (this.text != null) {
				typed.put(this.attribute, new Typed(option, this.text));
			}
		}

	}

}
