package dev.kafkatask.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;

import dev.kafkatask.options.TaskOption;

/**
 * A periodic task, like an entry of Celery's {@code beat_schedule}: which task to dispatch,
 * with which arguments and options, at which slots, and what to do with slots missed.
 *
 * @param name the schedule's name, unique in the application; part of every task id it
 * fires
 * @param task the task to dispatch
 * @param trigger when it fires
 * @param args the positional arguments of every dispatch
 * @param kwargs the keyword arguments of every dispatch
 * @param options the Celery options of every dispatch
 * @param missed what to do with missed slots
 * @param missedLimit most missed slots fired at once under {@link MissedSlots#FIRE_ALL}
 * @param grace how late a slot may be and still be on time
 * @author kafka-task
 */
public record Schedule(String name, String task, ScheduleTrigger trigger, List<JsonNode> args,
		Map<String, JsonNode> kwargs, Map<TaskOption, JsonNode> options, MissedSlots missed, int missedLimit,
		Duration grace) {

	/**
	 * The separator of a schedule name and a slot in a task id.
	 */
	public static final String ID_SEPARATOR = "@";

	public Schedule {
		if (name.isBlank() || name.contains(ID_SEPARATOR)) {
			throw new IllegalArgumentException("schedule name '" + name + "' must not be empty nor contain '@'");
		}
		if (missedLimit < 1) {
			throw new IllegalArgumentException("missed-limit " + missedLimit + " must be at least 1");
		}
		if (grace.isNegative()) {
			throw new IllegalArgumentException("grace " + grace + " must not be negative");
		}
		args = List.copyOf(args);
		kwargs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kwargs));
		options = Map.copyOf(options);
	}

	/**
	 * Return the id of the task fired for a slot, the same on every instance and every
	 * attempt: {@code <schedule>@<slot as an ISO-8601 instant>}, so that a slot fired twice
	 * (after a crash between the dispatch and the record of the slot) is recognisable.
	 * @param slot the slot
	 * @return the task id
	 */
	public String taskId(Instant slot) {
		return this.name + ID_SEPARATOR + slot;
	}

}
