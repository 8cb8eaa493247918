package dev.kafkatask.monitor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link TaskActivityWindow}: counts by the time events happened, the window moving
 * on, instances and their queues, and the bounds.
 *
 * @author kafka-task
 */
class TaskActivityWindowTests {

	private static final Instant T = Instant.parse("2026-12-02T14:00:00Z");

	private final MovingClock clock = new MovingClock(T);

	private final TaskActivityWindow window = new TaskActivityWindow(this.clock);

	@Test
	void whenEventsAreRecordedThenEachTaskHasItsCountsByTypeAndItsDoneRuns() {
		record("t-1", TaskEventType.DISPATCHED, "add", "default", "1@api", T.minusSeconds(3));
		record("t-1", TaskEventType.STARTED, "add", "default", "2@worker", T.minusSeconds(2));
		record("t-1", TaskEventType.SUCCEEDED, "add", "default", "2@worker", T.minusSeconds(2));
		record("t-2", TaskEventType.RETRIED, "fail", "default", "2@worker", T.minusSeconds(1));
		record("t-2", TaskEventType.DEAD_LETTERED, "fail", "default", "3@worker", T);
		TaskActivity activity = this.window.snapshot();
		assertThat(activity.at()).isEqualTo(T);
		assertThat(activity.window()).isEqualTo(Duration.ofMinutes(1));
		assertThat(activity.tasks()).extracting(TaskActivity.TaskCounts::task).containsExactly("add", "fail");
		TaskActivity.TaskCounts add = activity.tasks().get(0);
		assertThat(add.counts()).containsOnly(Map.entry(TaskEventType.DISPATCHED, 1L),
				Map.entry(TaskEventType.STARTED, 1L), Map.entry(TaskEventType.SUCCEEDED, 1L));
		assertThat(add.done()).isEqualTo(1);
		TaskActivity.TaskCounts fail = activity.tasks().get(1);
		assertThat(fail.count(TaskEventType.RETRIED)).isEqualTo(1);
		assertThat(fail.count(TaskEventType.SUCCEEDED)).isZero();
		assertThat(fail.done()).isEqualTo(1);
	}

	@Test
	void whenEventsAreOlderThanAMinuteThenTheyAreNotCountedThoughTheyWereReadJustNow() {
		record("old", TaskEventType.SUCCEEDED, "add", "default", "2@worker", T.minusSeconds(60));
		record("new", TaskEventType.SUCCEEDED, "add", "default", "2@worker", T.minusSeconds(59));
		assertThat(this.window.snapshot().tasks()).singleElement()
			.satisfies((add) -> assertThat(add.count(TaskEventType.SUCCEEDED)).isEqualTo(1));
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.window.snapshot().tasks()).as("the window moved past both").isEmpty();
	}

	@Test
	void whenTheWindowGoesRoundThenABucketOfAnEarlierMinuteStartsAgainFromZero() {
		for (int i = 0; i < 5; i++) {
			record("t-" + i, TaskEventType.SUCCEEDED, "add", "default", "2@worker", T);
		}
		this.clock.advance(Duration.ofSeconds(60));
		record("t-5", TaskEventType.SUCCEEDED, "add", "default", "2@worker", T.plusSeconds(60));
		assertThat(this.window.snapshot().tasks()).singleElement()
			.satisfies((add) -> assertThat(add.count(TaskEventType.SUCCEEDED)).isEqualTo(1));
	}

	@Test
	void whenInstancesWriteEventsThenWorkersListTheirQueuesAndDispatchersDoNot() {
		record("t-1", TaskEventType.DISPATCHED, "add", "default", "1@api", T);
		record("t-1", TaskEventType.STARTED, "add", "default", "2@worker", T);
		record("t-1", TaskEventType.SUCCEEDED, "add", "default", "2@worker", T);
		record("t-2", TaskEventType.FAILED, "mail", "orders", "2@worker", T.minusSeconds(1));
		// seen four minutes ago: listed, with nothing done in the last minute
		record("t-0", TaskEventType.SUCCEEDED, "add", "ledger", "3@worker", T.minus(Duration.ofMinutes(4)));
		// six minutes ago: gone
		record("t-9", TaskEventType.SUCCEEDED, "add", "ledger", "4@worker", T.minus(Duration.ofMinutes(6)));
		assertThat(this.window.snapshot().workers()).containsExactly(
				new TaskActivity.Instance("1@api", T, List.of(), false, 0, 1),
				new TaskActivity.Instance("2@worker", T, List.of("default", "orders"), true, 2, 0),
				new TaskActivity.Instance("3@worker", T.minus(Duration.ofMinutes(4)), List.of("ledger"), true,
						0, 0));
	}

	@Test
	void whenMoreTaskNamesThanItCountsComeThenNamesWithoutEventsInTheWindowMakeRoomAndTheRestAreOthers() {
		for (int i = 0; i < TaskActivityWindow.MAX_TASKS; i++) {
			record("t-" + i, TaskEventType.SUCCEEDED, "task-" + i, "default", "2@worker", T.minusSeconds(30));
		}
		record("x", TaskEventType.SUCCEEDED, "one-too-many", "default", "2@worker", T);
		TaskActivity full = this.window.snapshot();
		assertThat(full.tasks()).hasSize(TaskActivityWindow.MAX_TASKS + 1);
		assertThat(full.tasks()).extracting(TaskActivity.TaskCounts::task)
			.contains(TaskActivityWindow.OTHER_TASKS)
			.doesNotContain("one-too-many");
		// half a minute on, the first thousand left the window: a new name gets a count of its own
		this.clock.advance(Duration.ofSeconds(31));
		record("y", TaskEventType.SUCCEEDED, "newcomer", "default", "2@worker", T.plusSeconds(31));
		assertThat(this.window.snapshot().tasks()).extracting(TaskActivity.TaskCounts::task)
			.containsExactlyInAnyOrder("newcomer", TaskActivityWindow.OTHER_TASKS);
	}

	@Test
	void whenMoreInstancesThanItRemembersComeThenTheOneSeenLongestAgoMakesRoom() {
		record("first", TaskEventType.SUCCEEDED, "add", "default", "oldest@host", T.minusSeconds(200));
		for (int i = 1; i < TaskActivityWindow.MAX_INSTANCES; i++) {
			record("t-" + i, TaskEventType.SUCCEEDED, "add", "default", i + "@host", T);
		}
		assertThat(this.window.snapshot().workers()).hasSize(TaskActivityWindow.MAX_INSTANCES);
		record("last", TaskEventType.SUCCEEDED, "add", "default", "newest@host", T);
		assertThat(this.window.snapshot().workers()).hasSize(TaskActivityWindow.MAX_INSTANCES)
			.extracting(TaskActivity.Instance::name)
			.contains("newest@host")
			.doesNotContain("oldest@host");
	}

	private void record(String id, TaskEventType type, String task, String queue, String worker, Instant at) {
		this.window.record(new TaskEvent(id, type, task, queue, "kafka", worker, at, 1, null, null, null));
	}

	private static final class MovingClock extends Clock {

		private Instant now;

		MovingClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(@Nullable ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
