package dev.kafkatask.kafka.deadletter;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.monitor.DeadLetterReason;

/**
 * Which dead letters to list or redrive: by reason, task name, task id and time. An empty
 * set matches any; a dead letter matches when it matches every part. Invalid values (blank or
 * overlong names, more than {@value #MAX_VALUES} values, a time range that ends before it
 * starts) are refused with an {@link IllegalArgumentException} whose message says what is
 * wrong, fit to be shown to whoever sent them.
 *
 * @param reasons the reasons, or empty for any
 * @param tasks the task names, or empty for any
 * @param taskIds the task ids, or empty for any
 * @param from the earliest time a dead letter was written, inclusive; {@code null} for no
 * bound
 * @param to the time before which it was written, exclusive; {@code null} for no bound
 * @author kafka-task
 */
public record DeadLetterFilter(Set<DeadLetterReason> reasons, Set<String> tasks, Set<String> taskIds,
		@Nullable Instant from, @Nullable Instant to) {

	/**
	 * Most values of one part of a filter.
	 */
	public static final int MAX_VALUES = 100;

	/**
	 * Longest task name or id, as in envelopes.
	 */
	public static final int MAX_NAME_LENGTH = 1024;

	private static final DeadLetterFilter ALL = new DeadLetterFilter(Set.of(), Set.of(), Set.of(), null, null);

	public DeadLetterFilter {
		reasons = Set.copyOf(checkSize("reasons", reasons));
		tasks = names("task", tasks);
		taskIds = names("task id", taskIds);
		if (from != null && to != null && !from.isBefore(to)) {
			throw new IllegalArgumentException(
					"Time range is empty: 'from' (" + from + ") must be before 'to' (" + to + ")");
		}
	}

	/**
	 * Return the filter that matches every dead letter.
	 * @return the filter
	 */
	public static DeadLetterFilter all() {
		return ALL;
	}

	/**
	 * Return a copy that matches only the given reasons.
	 * @param reasons the reasons
	 * @return the copy
	 */
	public DeadLetterFilter withReasons(DeadLetterReason... reasons) {
		return new DeadLetterFilter(Set.copyOf(Arrays.asList(reasons)), this.tasks, this.taskIds, this.from, this.to);
	}

	/**
	 * Return a copy that matches only the given task names.
	 * @param tasks the task names
	 * @return the copy
	 */
	public DeadLetterFilter withTasks(String... tasks) {
		return new DeadLetterFilter(this.reasons, Set.copyOf(Arrays.asList(tasks)), this.taskIds, this.from, this.to);
	}

	/**
	 * Return a copy that matches only the given task ids.
	 * @param taskIds the task ids
	 * @return the copy
	 */
	public DeadLetterFilter withTaskIds(String... taskIds) {
		return new DeadLetterFilter(this.reasons, this.tasks, Set.copyOf(Arrays.asList(taskIds)), this.from, this.to);
	}

	/**
	 * Return a copy that matches only dead letters written in a time range.
	 * @param from the earliest time, inclusive, or {@code null}
	 * @param to the time before which, exclusive, or {@code null}
	 * @return the copy
	 */
	public DeadLetterFilter between(@Nullable Instant from, @Nullable Instant to) {
		return new DeadLetterFilter(this.reasons, this.tasks, this.taskIds, from, to);
	}

	/**
	 * Read a filter from text, as an HTTP request gives it: comma-separated lists, reasons as
	 * their codes ({@code unknown-task}), times as ISO-8601 instants.
	 * @param reasons the reason codes, or {@code null}
	 * @param tasks the task names, or {@code null}
	 * @param taskIds the task ids, or {@code null}
	 * @param from the earliest time, or {@code null}
	 * @param to the time before which, or {@code null}
	 * @return the filter
	 * @throws IllegalArgumentException if a value is invalid, saying which and why
	 */
	public static DeadLetterFilter parse(@Nullable String reasons, @Nullable String tasks, @Nullable String taskIds,
			@Nullable String from, @Nullable String to) {
		Set<DeadLetterReason> parsedReasons = split(reasons).stream()
			.map(DeadLetterFilter::reason)
			.collect(Collectors.toCollection(LinkedHashSet::new));
		return new DeadLetterFilter(parsedReasons, Set.copyOf(split(tasks)), Set.copyOf(split(taskIds)),
				instant("from", from), instant("to", to));
	}

	/**
	 * Return the reason of a code.
	 * @param code the code, for example {@code unknown-task}
	 * @return the reason
	 * @throws IllegalArgumentException if no reason has that code
	 */
	public static DeadLetterReason reason(String code) {
		for (DeadLetterReason reason : DeadLetterReason.values()) {
			if (reason.code().equals(code.strip())) {
				return reason;
			}
		}
		throw new IllegalArgumentException("Unknown dead-letter reason '" + abbreviate(code) + "': one of "
				+ Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::code).collect(Collectors.joining(", ")));
	}

	/**
	 * Whether a dead letter matches.
	 * @param deadLetter the dead letter
	 * @return whether it matches every part of the filter
	 */
	public boolean matches(DeadLetter deadLetter) {
		return (this.reasons.isEmpty() || (deadLetter.reason() != null && this.reasons.contains(deadLetter.reason())))
				&& (this.tasks.isEmpty() || (deadLetter.task() != null && this.tasks.contains(deadLetter.task())))
				&& (this.taskIds.isEmpty()
						|| (deadLetter.taskId() != null && this.taskIds.contains(deadLetter.taskId())))
				&& (this.from == null || !deadLetter.deadLetteredAt().isBefore(this.from))
				&& (this.to == null || deadLetter.deadLetteredAt().isBefore(this.to));
	}

	private static List<String> split(@Nullable String values) {
		if (values == null || values.isBlank()) {
			return List.of();
		}
		List<String> split = Arrays.stream(values.split(",")).map(String::strip).toList();
		return checkSize("values", split);
	}

	private static @Nullable Instant instant(String name, @Nullable String value) {
		if (value == null || value.isBlank()) {
			return null;
		}
		try {
			return Instant.parse(value.strip());
		}
		catch (DateTimeParseException ex) {
			throw new IllegalArgumentException("'" + name + "' is not an ISO-8601 instant such as 2026-01-31T12:00:00Z: '"
					+ abbreviate(value) + "'");
		}
	}

	private static <C extends java.util.Collection<?>> C checkSize(String what, C values) {
		if (values.size() > MAX_VALUES) {
			throw new IllegalArgumentException(
					"Too many " + what + " in a filter: " + values.size() + " (at most " + MAX_VALUES + ")");
		}
		return values;
	}

	private static Set<String> names(String what, Set<String> names) {
		checkSize(what + "s", names);
		for (String name : names) {
			if (name.isBlank()) {
				throw new IllegalArgumentException("A " + what + " in a filter must not be blank");
			}
			if (name.length() > MAX_NAME_LENGTH) {
				throw new IllegalArgumentException("A " + what + " in a filter must be at most " + MAX_NAME_LENGTH
						+ " characters: '" + abbreviate(name) + "'");
			}
		}
		return Set.copyOf(names);
	}

	private static String abbreviate(String text) {
		return (text.length() > 64) ? text.substring(0, 64) + "..." : text;
	}

}
