package dev.kafkatask.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.kafkatask.options.TaskOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests of {@link ScheduleDefinition} and {@link ScheduleTrigger}: reading schedules, and
 * what a bad one says.
 *
 * @author kafka-task
 */
class ScheduleDefinitionTests {

	@Test
	void whenAScheduleIsValidThenItsTriggerArgumentsAndOptionsAreRead() {
		Schedule schedule = definition("0 0 2 * * *", "Europe/Paris", null, "[42, \"daily\"]", "{\"force\": true}",
				Map.of("expires", "60", "priority", "5"))
			.toSchedule();
		assertThat(schedule.trigger()).isInstanceOf(ScheduleTrigger.Cron.class);
		assertThat(schedule.trigger().describe()).isEqualTo("cron 0 0 2 * * * Europe/Paris");
		assertThat(schedule.args()).hasSize(2);
		assertThat(schedule.args().get(0).asInt()).isEqualTo(42);
		assertThat(schedule.kwargs().get("force").asBoolean()).isTrue();
		assertThat(schedule.options()).containsKeys(TaskOption.EXPIRES, TaskOption.PRIORITY);
		assertThat(schedule.taskId(Instant.parse("2026-12-02T02:00:00Z"))).isEqualTo("nightly@2026-12-02T02:00:00Z");
	}

	@Test
	void whenACronHasNoZoneThenItIsUtc() {
		Schedule schedule = definition("0 0 2 * * *", null, null, null, null, Map.of()).toSchedule();
		assertThat(schedule.trigger().next(Instant.parse("2026-12-02T00:00:00Z")))
			.isEqualTo(Instant.parse("2026-12-02T02:00:00Z"));
	}

	@Test
	void whenBothCronAndRateAreSetThenTheScheduleIsRefusedNamingIt() {
		assertThatExceptionOfType(ScheduleDefinitionException.class)
			.isThrownBy(() -> definition("0 * * * * *", null, "2s", null, null, Map.of()).toSchedule())
			.withMessageContaining("Schedule 'nightly' (kafka-task.schedules.[nightly])")
			.withMessageContaining("both cron and fixed-rate are set");
	}

	@Test
	void whenNeitherCronNorRateIsSetThenTheScheduleIsRefused() {
		assertThatExceptionOfType(ScheduleDefinitionException.class)
			.isThrownBy(() -> definition("", null, null, null, null, Map.of()).toSchedule())
			.withMessageContaining("neither cron nor fixed-rate is set");
	}

	@Test
	void whenTheInputIsMalformedThenTheMessageSaysWhat() {
		assertRefused(definition("0 0 25 * * *", null, null, null, null, Map.of()), "cron '0 0 25 * * *' is not valid");
		assertRefused(definition("* * * * *", null, null, null, null, Map.of()), "cron '* * * * *' is not valid");
		assertRefused(definition("0 0 2 * * *", "Mars/Olympus", null, null, null, Map.of()),
				"zone 'Mars/Olympus' is not a time zone");
		assertRefused(definition(null, null, "soon", null, null, Map.of()), "fixed-rate 'soon' is not a duration");
		assertRefused(definition(null, null, "0s", null, null, Map.of()), "must be at least 1ms");
		assertRefused(definition(null, null, "-5s", null, null, Map.of()), "must be at least 1ms");
		assertRefused(definition(null, "Europe/Paris", "5s", null, null, Map.of()), "applies to cron only");
		assertRefused(definition(null, null, "5s", "[1,", null, Map.of()), "args [1, is not JSON");
		assertRefused(definition(null, null, "5s", "{\"a\":1}", null, Map.of()), "is not a JSON array");
		assertRefused(definition(null, null, "5s", null, "[1]", Map.of()), "is not a JSON object");
		assertRefused(definition(null, null, "5s", null, null, Map.of("colour", "red")), "colour");
		assertRefused(definition(null, null, "5s", null, null, Map.of("priority", "high")), "priority");
		assertRefused(definition(null, null, "5s", null, null, Map.of("task_id", "x")), "set by the schedule");
		assertRefused(new ScheduleDefinition("a@b", "test", "demo.tick", null, null, "1s", null, null, Map.of(),
				MissedSlots.SKIP, 1, Duration.ZERO), "must not be empty nor contain '@'");
		assertRefused(new ScheduleDefinition("tick", "test", null, null, null, "1s", null, null, Map.of(),
				MissedSlots.SKIP, 1, Duration.ZERO), "no task is set");
		assertRefused(new ScheduleDefinition("tick", "test", "demo.tick", null, null, "1s", null, null, Map.of(),
				MissedSlots.FIRE_ALL, 0, Duration.ZERO), "missed-limit 0 must be at least 1");
	}

	@Test
	void whenAnAnnotationDeclaresAScheduleThenItsArgumentsAreJsonValues() throws Exception {
		KafkaTaskSchedule annotation = Annotated.class.getMethod("tick").getAnnotation(KafkaTaskSchedule.class);
		Schedule schedule = ScheduleDefinition.of(annotation, "demo.tick", "Annotated.tick(..)").toSchedule();
		assertThat(schedule.name()).isEqualTo("demo.tick");
		assertThat(schedule.trigger()).isEqualTo(new ScheduleTrigger.FixedRate(Duration.ofSeconds(2)));
		assertThat(schedule.args()).hasSize(2);
		assertThat(schedule.args().get(1).asString()).isEqualTo("x");
		assertThat(schedule.kwargs().get("n").asInt()).isEqualTo(3);
		assertThat(schedule.missed()).isEqualTo(MissedSlots.SKIP);
	}

	private static void assertRefused(ScheduleDefinition definition, String message) {
		assertThatExceptionOfType(ScheduleDefinitionException.class).isThrownBy(definition::toSchedule)
			.withMessageContaining(message);
	}

	private static ScheduleDefinition definition(String cron, String zone, String rate, String args, String kwargs,
			Map<String, String> options) {
		return new ScheduleDefinition("nightly", "kafka-task.schedules.[nightly]", "reports.nightly", cron, zone,
				rate, args, kwargs, options, MissedSlots.FIRE_ONCE, 10, Duration.ofSeconds(1));
	}

	static class Annotated {

		@KafkaTaskSchedule(fixedRate = "2s", args = { "1", "\"x\"" }, kwargs = "n=3", missed = MissedSlots.SKIP)
		public void tick() {
		}

	}

}
