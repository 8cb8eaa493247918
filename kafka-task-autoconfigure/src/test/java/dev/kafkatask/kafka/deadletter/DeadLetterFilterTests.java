package dev.kafkatask.kafka.deadletter;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.kafkatask.monitor.DeadLetterReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link DeadLetterFilter}.
 *
 * @author kafka-task
 */
class DeadLetterFilterTests {

	private static final Instant T = Instant.parse("2026-01-01T12:00:00Z");

	@Test
	void whenFilterIsEmptyThenEveryDeadLetterMatches() {
		assertThat(DeadLetterFilter.all().matches(deadLetter("id", "t", DeadLetterReason.UNKNOWN_TASK, T))).isTrue();
		assertThat(DeadLetterFilter.all().matches(deadLetter(null, null, null, T))).isTrue();
	}

	@Test
	void whenFilterHasPartsThenADeadLetterMustMatchEach() {
		DeadLetterFilter filter = DeadLetterFilter.all()
			.withReasons(DeadLetterReason.UNKNOWN_TASK)
			.withTasks("t")
			.withTaskIds("id")
			.between(T, T.plusSeconds(10));
		assertThat(filter.matches(deadLetter("id", "t", DeadLetterReason.UNKNOWN_TASK, T))).isTrue();
		assertThat(filter.matches(deadLetter("id", "t", DeadLetterReason.INVALID_ARGUMENTS, T))).isFalse();
		assertThat(filter.matches(deadLetter("id", "other", DeadLetterReason.UNKNOWN_TASK, T))).isFalse();
		assertThat(filter.matches(deadLetter("other", "t", DeadLetterReason.UNKNOWN_TASK, T))).isFalse();
		assertThat(filter.matches(deadLetter(null, null, null, T))).isFalse();
		assertThat(filter.matches(deadLetter("id", "t", DeadLetterReason.UNKNOWN_TASK, T.minusMillis(1)))).isFalse();
		assertThat(filter.matches(deadLetter("id", "t", DeadLetterReason.UNKNOWN_TASK, T.plusSeconds(10))))
			.as("'to' is exclusive")
			.isFalse();
	}

	@Test
	void whenTextIsParsedThenListsAreSplitAndReasonsAndTimesRead() {
		DeadLetterFilter filter = DeadLetterFilter.parse("unknown-task, max-retries-exceeded", "a.b,c", " x ",
				"2026-01-01T00:00:00Z", "");
		assertThat(filter.reasons()).containsExactlyInAnyOrder(DeadLetterReason.UNKNOWN_TASK,
				DeadLetterReason.MAX_RETRIES_EXCEEDED);
		assertThat(filter.tasks()).containsExactlyInAnyOrder("a.b", "c");
		assertThat(filter.taskIds()).containsExactly("x");
		assertThat(filter.from()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
		assertThat(filter.to()).isNull();
		assertThat(DeadLetterFilter.parse(null, null, null, null, null)).isEqualTo(DeadLetterFilter.all());
	}

	@Test
	void whenValuesAreBadThenTheyAreRefusedWithWhy() {
		assertThatIllegalArgumentException().isThrownBy(() -> DeadLetterFilter.parse("poison", null, null, null, null))
			.withMessageStartingWith("Unknown dead-letter reason 'poison': one of invalid-envelope, unknown-task");
		assertThatIllegalArgumentException().isThrownBy(() -> DeadLetterFilter.parse(null, null, null, "yesterday", null))
			.withMessage("'from' is not an ISO-8601 instant such as 2026-01-31T12:00:00Z: 'yesterday'");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DeadLetterFilter.parse(null, null, null, null, "2026-13-01T00:00:00Z"))
			.withMessageStartingWith("'to' is not an ISO-8601 instant");
		assertThatIllegalArgumentException().isThrownBy(() -> DeadLetterFilter.all().between(T, T))
			.withMessage("Time range is empty: 'from' (2026-01-01T12:00:00Z) must be before 'to' (2026-01-01T12:00:00Z)");
		assertThatIllegalArgumentException().isThrownBy(() -> DeadLetterFilter.parse(null, "a,,b", null, null, null))
			.withMessage("A task in a filter must not be blank");
		assertThatIllegalArgumentException().isThrownBy(() -> DeadLetterFilter.all().withTaskIds("x".repeat(1025)))
			.withMessageStartingWith("A task id in a filter must be at most 1024 characters: 'xxxx");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DeadLetterFilter.parse(null, null, ",".repeat(100) + "x", null, null))
			.withMessage("Too many values in a filter: 101 (at most 100)");
	}

	static DeadLetter deadLetter(String taskId, String task, DeadLetterReason reason, Instant at) {
		return new DeadLetter("tasks.default.dlt", 0, 0, taskId, task, reason, "m", at, 0, 0, 10, false, null);
	}

}
