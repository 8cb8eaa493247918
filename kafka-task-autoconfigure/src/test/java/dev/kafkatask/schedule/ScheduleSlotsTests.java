package dev.kafkatask.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of {@link ScheduleSlots}: due slots under each missed-slot policy.
 *
 * @author kafka-task
 */
class ScheduleSlotsTests {

	private static final Instant T = Instant.parse("2026-12-02T14:00:00Z");

	@Test
	void whenNothingWasFiredYetThenNoPastSlotIsDue() {
		ScheduleSlots.Due due = ScheduleSlots.due(everySecond(MissedSlots.FIRE_ALL, 100), null, T.plusMillis(2500));
		assertThat(due.slots()).isEmpty();
		assertThat(due.missed()).isZero();
	}

	@Test
	void whenTheNextSlotHasJustComeThenItIsDueOnTime() {
		ScheduleSlots.Due due = ScheduleSlots.due(everySecond(MissedSlots.SKIP, 10), T, T.plusMillis(1003));
		assertThat(due.slots()).containsExactly(T.plusSeconds(1));
		assertThat(due.missed()).isZero();
	}

	@Test
	void whenNoSlotHasComeThenNothingIsDue() {
		assertThat(ScheduleSlots.due(everySecond(MissedSlots.FIRE_ALL, 10), T, T.plusMillis(999)).slots()).isEmpty();
		assertThat(ScheduleSlots.due(everySecond(MissedSlots.FIRE_ALL, 10), T, T).slots()).isEmpty();
	}

	@Test
	void whenTheLastFiredSlotIsAheadOfTheClockThenNothingIsDue() {
		// another instance's clock ran ahead: its slots are never fired again
		assertThat(ScheduleSlots.due(everySecond(MissedSlots.FIRE_ALL, 10), T.plusSeconds(5), T.plusSeconds(3)).slots())
			.isEmpty();
	}

	@Test
	void whenTenSlotsWereMissedAndThePolicyIsFireOnceThenTheLatestMissedAndTheOnTimeSlotsFire() {
		// last fired T-10 s, now T+0.2 s: T-9 … T-1 are missed (over the 1 s grace), T is on time
		ScheduleSlots.Due due = ScheduleSlots.due(everySecond(MissedSlots.FIRE_ONCE, 10), T.minusSeconds(10),
				T.plusMillis(200));
		assertThat(due.slots()).containsExactly(T.minusSeconds(1), T);
		assertThat(due.missed()).isEqualTo(9);
		assertThat(due.leftOut()).isEqualTo(8);
	}

	@Test
	void whenTenSlotsWereMissedAndThePolicyIsSkipThenOnlyTheOnTimeSlotFires() {
		ScheduleSlots.Due due = ScheduleSlots.due(everySecond(MissedSlots.SKIP, 10), T.minusSeconds(10),
				T.plusMillis(200));
		assertThat(due.slots()).containsExactly(T);
		assertThat(due.missed()).isEqualTo(9);
		assertThat(due.leftOut()).isEqualTo(9);
	}

	@Test
	void whenTenSlotsWereMissedAndThePolicyIsFireAllThenEachFiresUpToTheLimitLatestFirst() {
		ScheduleSlots.Due all = ScheduleSlots.due(everySecond(MissedSlots.FIRE_ALL, 100), T.minusSeconds(10),
				T.plusMillis(200));
		assertThat(all.slots()).hasSize(10).first().isEqualTo(T.minusSeconds(9));
		assertThat(all.slots()).isSorted().last().isEqualTo(T);
		assertThat(all.leftOut()).isZero();
		ScheduleSlots.Due capped = ScheduleSlots.due(everySecond(MissedSlots.FIRE_ALL, 3), T.minusSeconds(10),
				T.plusMillis(200));
		assertThat(capped.slots()).containsExactly(T.minusSeconds(3), T.minusSeconds(2), T.minusSeconds(1), T);
		assertThat(capped.leftOut()).isEqualTo(6);
	}

	@Test
	void whenTheLastSlotIsAYearPastThenTheSearchStaysShortAndKeepsTheLatestSlots() {
		long started = System.nanoTime();
		ScheduleSlots.Due due = ScheduleSlots.due(everySecond(MissedSlots.FIRE_ALL, 5), T.minus(Duration.ofDays(365)),
				T.plusMillis(200));
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
		assertThat(due.slots()).containsExactly(T.minusSeconds(5), T.minusSeconds(4), T.minusSeconds(3),
				T.minusSeconds(2), T.minusSeconds(1), T);
		assertThat(due.leftOut()).isPositive();
	}

	@Test
	void whenACronIsDenseOnlyInAnHourThenTheLatestSlotsAreFoundAcrossTheGap() {
		// every second of hour 0 only, last fired 3 days ago, now at 05:00
		Schedule schedule = schedule(ScheduleTrigger.of("* * 0 * * *", null, null), MissedSlots.FIRE_ALL, 3);
		Instant now = Instant.parse("2026-12-02T05:00:00Z");
		ScheduleSlots.Due due = ScheduleSlots.due(schedule, now.minus(Duration.ofDays(3)), now);
		assertThat(due.slots()).containsExactly(Instant.parse("2026-12-02T00:59:57Z"),
				Instant.parse("2026-12-02T00:59:58Z"), Instant.parse("2026-12-02T00:59:59Z"));
	}

	@Test
	void whenAFixedRateFiresThenItsSlotsAreMultiplesOfTheRateSinceTheEpoch() {
		ScheduleTrigger every2s = ScheduleTrigger.of(null, null, "2s");
		assertThat(every2s.next(Instant.parse("2026-12-02T14:00:01.500Z"))).isEqualTo(T.plusSeconds(2));
		assertThat(every2s.next(T)).isEqualTo(T.plusSeconds(2));
		assertThat(every2s.next(T.minusNanos(1))).isEqualTo(T);
		ScheduleTrigger hourly = ScheduleTrigger.of(null, null, "1h");
		assertThat(hourly.next(Instant.parse("2026-12-02T14:37:00Z"))).isEqualTo(Instant.parse("2026-12-02T15:00:00Z"));
	}

	@Test
	void whenACronInAZoneSpringsForwardThenTheMissingLocalTimeDoesNotFireThatDay() {
		// Europe/Paris, 29 March 2026: 02:00 local becomes 03:00, so 02:30 does not exist
		ScheduleTrigger trigger = ScheduleTrigger.of("0 30 2 * * *", "Europe/Paris", null);
		List<Instant> slots = slots(trigger, Instant.parse("2026-03-28T12:00:00Z"), 2);
		assertThat(slots).containsExactly(ZonedDateTime.parse("2026-03-30T02:30:00+02:00[Europe/Paris]").toInstant(),
				ZonedDateTime.parse("2026-03-31T02:30:00+02:00[Europe/Paris]").toInstant());
	}

	@Test
	void whenACronInAZoneFallsBackThenTheRepeatedLocalTimeFiresAtEachOffset() {
		// Europe/Paris, 25 October 2026: 03:00 local goes back to 02:00, so 02:30 happens twice
		ScheduleTrigger trigger = ScheduleTrigger.of("0 30 2 * * *", "Europe/Paris", null);
		List<Instant> slots = slots(trigger, Instant.parse("2026-10-24T12:00:00Z"), 3);
		assertThat(slots).containsExactly(Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-25T01:30:00Z"),
				Instant.parse("2026-10-26T01:30:00Z"));
	}

	@Test
	void whenACronIsInUtcThenADaylightSavingChangeElsewhereChangesNothing() {
		ScheduleTrigger trigger = ScheduleTrigger.of("0 30 2 * * *", null, null);
		assertThat(slots(trigger, Instant.parse("2026-10-24T12:00:00Z"), 2))
			.containsExactly(Instant.parse("2026-10-25T02:30:00Z"), Instant.parse("2026-10-26T02:30:00Z"));
	}

	@Test
	void whenSlotsAreDrawnAtRandomThenEachPolicyFiresOnlyDueSlotsOnceInOrder() {
		Random random = new Random(20261202L);
		for (int run = 0; run < 500; run++) {
			MissedSlots policy = MissedSlots.values()[random.nextInt(3)];
			int limit = 1 + random.nextInt(20);
			Duration rate = Duration.ofMillis(1 + random.nextInt(5000));
			Schedule schedule = schedule(ScheduleTrigger.of(null, null, rate.toMillis() + "ms"), policy, limit);
			Instant last = T.plusMillis(random.nextInt(100_000));
			last = schedule.trigger().next(last);
			Instant now = last.plusMillis(random.nextInt(60_000));
			ScheduleSlots.Due due = ScheduleSlots.due(schedule, last, now);
			String seed = "run " + run + " " + policy + " limit " + limit + " rate " + rate;
			assertThat(due.slots()).as(seed).isSorted().doesNotHaveDuplicates();
			Instant lastFired = last;
			assertThat(due.slots()).as(seed).allMatch((slot) -> slot.isAfter(lastFired) && !slot.isAfter(now));
			long onTime = due.slots().stream().filter((slot) -> slot.isAfter(now.minus(schedule.grace()))).count();
			long missedFired = due.slots().size() - onTime;
			switch (policy) {
				case SKIP -> assertThat(missedFired).as(seed).isZero();
				case FIRE_ONCE -> assertThat(missedFired).as(seed).isEqualTo(Math.min(1, due.missed()));
				case FIRE_ALL -> assertThat(missedFired).as(seed).isEqualTo(Math.min(limit, due.missed()));
			}
			assertThat(due.missed() - missedFired).as(seed).isEqualTo(due.leftOut());
		}
	}

	private static List<Instant> slots(ScheduleTrigger trigger, Instant after, int count) {
		List<Instant> slots = new ArrayList<>();
		Instant slot = after;
		for (int i = 0; i < count; i++) {
			slot = trigger.next(slot);
			slots.add(slot);
		}
		return slots;
	}

	private static Schedule everySecond(MissedSlots policy, int limit) {
		return schedule(ScheduleTrigger.of(null, null, "1s"), policy, limit);
	}

	private static Schedule schedule(ScheduleTrigger trigger, MissedSlots policy, int limit) {
		return new Schedule("tick", "demo.tick", trigger, List.of(), Map.of(), Map.of(), policy, limit,
				Duration.ofSeconds(1));
	}

}
