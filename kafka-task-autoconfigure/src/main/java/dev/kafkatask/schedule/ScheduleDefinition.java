package dev.kafkatask.schedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.util.StringUtils;

import dev.kafkatask.options.TaskOption;

/**
 * A schedule as declared, in text: by a {@link KafkaTaskSchedule} annotation or by
 * properties ({@code kafka-task.schedules.[name].*}). {@link #toSchedule} reads it, and
 * says what is wrong, and where, when it cannot.
 *
 * @param name the schedule's name
 * @param declaredBy where it was declared, for messages
 * @param task the task it dispatches
 * @param cron a cron expression, or empty
 * @param zone the cron expression's time zone, or empty for UTC
 * @param fixedRate a fixed rate, or empty
 * @param args the positional arguments as a JSON array, or empty for none
 * @param kwargs the keyword arguments as a JSON object, or empty for none
 * @param options Celery options by name, in text
 * @param missed what to do with missed slots
 * @param missedLimit most missed slots fired at once under {@code fire-all}
 * @param grace how late a slot may be and still be on time
 * @author kafka-task
 */
public record ScheduleDefinition(String name, String declaredBy, @Nullable String task, @Nullable String cron,
		@Nullable String zone, @Nullable String fixedRate, @Nullable String args, @Nullable String kwargs,
		Map<String, String> options, MissedSlots missed, int missedLimit, Duration grace) {

	/**
	 * Most missed slots fired at once under {@code fire-all}, unless a schedule says.
	 */
	public static final int DEFAULT_MISSED_LIMIT = 10;

	/**
	 * How late a slot may fire and still be on time, unless a schedule says.
	 */
	public static final Duration DEFAULT_GRACE = Duration.ofSeconds(1);

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	public ScheduleDefinition {
		options = Map.copyOf(options);
	}

	/**
	 * Read the declaration of a {@link KafkaTaskSchedule} annotation.
	 * @param annotation the annotation
	 * @param task the name of the task it annotates
	 * @param method the annotated method, for messages
	 * @return the definition
	 */
	public static ScheduleDefinition of(KafkaTaskSchedule annotation, String task, String method) {
		String name = StringUtils.hasText(annotation.name()) ? annotation.name().trim() : task;
		String args = (annotation.args().length > 0) ? "[" + String.join(",", annotation.args()) + "]" : null;
		Map<String, String> options = new LinkedHashMap<>();
		StringBuilder kwargs = new StringBuilder();
		String declaredBy = "@KafkaTaskSchedule on " + method;
		for (String entry : annotation.kwargs()) {
			int equals = entry.indexOf('=');
			if (equals < 1) {
				throw new ScheduleDefinitionException(
						"Schedule '" + name + "' (" + declaredBy + "): kwargs '" + entry + "' is not name=<JSON value>");
			}
			kwargs.append((kwargs.length() > 0) ? "," : "")
				.append(MAPPER.writeValueAsString(entry.substring(0, equals).trim()))
				.append(':')
				.append(entry.substring(equals + 1));
		}
		for (String entry : annotation.options()) {
			int equals = entry.indexOf('=');
			if (equals < 1) {
				throw new ScheduleDefinitionException(
						"Schedule '" + name + "' (" + declaredBy + "): option '" + entry + "' is not name=value");
			}
			options.put(entry.substring(0, equals).trim(), entry.substring(equals + 1));
		}
		return new ScheduleDefinition(name, declaredBy, task, annotation.cron(), annotation.zone(),
				annotation.fixedRate(), args, (kwargs.length() > 0) ? "{" + kwargs + "}" : null, options,
				annotation.missed(), annotation.missedLimit(), DEFAULT_GRACE);
	}

	/**
	 * Read the schedule.
	 * @return the schedule
	 * @throws ScheduleDefinitionException naming the schedule, where it was declared and what
	 * is wrong: no task, both or neither of cron and fixed rate, a bad cron expression, zone
	 * or rate, arguments that are not JSON, an unknown option or a bad value
	 */
	public Schedule toSchedule() {
		try {
			if (!StringUtils.hasText(this.task)) {
				throw new IllegalArgumentException("no task is set");
			}
			ScheduleTrigger trigger = ScheduleTrigger.of(this.cron, this.zone, this.fixedRate);
			return new Schedule(this.name, this.task.trim(), trigger, parsedArgs(), parsedKwargs(), parsedOptions(), this.missed,
					this.missedLimit, this.grace);
		}
		catch (IllegalArgumentException ex) {
			throw new ScheduleDefinitionException(
					"Schedule '" + this.name + "' (" + this.declaredBy + "): " + ex.getMessage(), ex);
		}
	}

	private List<JsonNode> parsedArgs() {
		if (!StringUtils.hasText(this.args)) {
			return List.of();
		}
		JsonNode array = json("args", this.args);
		if (!array.isArray()) {
			throw new IllegalArgumentException("args " + this.args + " is not a JSON array");
		}
		List<JsonNode> values = new ArrayList<>();
		array.forEach(values::add);
		return values;
	}

	private Map<String, JsonNode> parsedKwargs() {
		if (!StringUtils.hasText(this.kwargs)) {
			return Map.of();
		}
		JsonNode object = json("kwargs", this.kwargs);
		if (!object.isObject()) {
			throw new IllegalArgumentException("kwargs " + this.kwargs + " is not a JSON object");
		}
		Map<String, JsonNode> values = new LinkedHashMap<>();
		object.properties().forEach((entry) -> values.put(entry.getKey(), entry.getValue()));
		return values;
	}

	private Map<TaskOption, JsonNode> parsedOptions() {
		Map<TaskOption, JsonNode> parsed = new EnumMap<>(TaskOption.class);
		this.options.forEach((name, value) -> {
			TaskOption option = TaskOption.of(name);
			if (option == TaskOption.TASK_ID) {
				throw new IllegalArgumentException("option task_id is set by the schedule: <schedule>@<slot>");
			}
			parsed.put(option, parse(option, value));
		});
		return parsed;
	}

	/**
	 * Read an option's value as text, or else as JSON: {@code expires=60} is seconds from
	 * each dispatch, as in a dispatch's options.
	 */
	private static JsonNode parse(TaskOption option, String value) {
		try {
			return option.parse(value);
		}
		catch (IllegalArgumentException ex) {
			JsonNode json;
			try {
				json = MAPPER.readTree(value);
			}
			catch (JacksonException notJson) {
				throw ex;
			}
			try {
				return option.validate(json);
			}
			catch (IllegalArgumentException notValid) {
				throw ex;
			}
		}
	}

	private static JsonNode json(String what, String text) {
		try {
			return MAPPER.readTree(text);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException(what + " " + text + " is not JSON: " + ex.getOriginalMessage(), ex);
		}
	}

}
