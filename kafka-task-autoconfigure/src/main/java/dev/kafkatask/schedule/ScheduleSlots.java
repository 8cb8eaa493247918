package dev.kafkatask.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The arithmetic of slots, apart from any broker: which slots of a schedule are due between
 * the last one fired and now, under its missed-slot policy. Pure functions of their
 * arguments.
 *
 * @author kafka-task
 */
public final class ScheduleSlots {

	/**
	 * The most slots one search walks: bounds the work for a schedule whose last slot is
	 * long past (every second, last fired a year ago).
	 */
	static final int MAX_SLOTS_PER_SEARCH = 10_000;

	private ScheduleSlots() {
	}

	/**
	 * Return the slots to fire now, oldest first.
	 * <ul>
	 * <li>With no slot fired yet ({@code lastFired} {@code null}) nothing in the past is
	 * due: a new schedule starts with its next slot.</li>
	 * <li>Otherwise the due slots are those after {@code lastFired} and not after
	 * {@code now}. Those at most the schedule's grace late are on time and all fired; the
	 * others are missed and follow its policy: {@code fire-once} fires the latest of them,
	 * {@code skip} none, {@code fire-all} the latest {@code missed-limit} of them.</li>
	 * </ul>
	 * A {@code lastFired} after {@code now} (another instance's clock ahead of this one's)
	 * makes nothing due until {@code now} passes it: no slot is fired twice for a clock.
	 * @param schedule the schedule
	 * @param lastFired the last slot fired, or {@code null}
	 * @param now the time now
	 * @return the slots to fire, and how many were missed and left out
	 */
	public static Due due(Schedule schedule, @Nullable Instant lastFired, Instant now) {
		if (lastFired == null || !lastFired.isBefore(now)) {
			return Due.NOTHING;
		}
		ScheduleTrigger trigger = schedule.trigger();
		Instant onTimeFrom = now.minus(schedule.grace());
		List<Instant> fire = new ArrayList<>();
		long missed = 0;
		long leftOut = 0;
		if (onTimeFrom.isAfter(lastFired)) {
			int wanted = switch (schedule.missed()) {
				case SKIP -> 0;
				case FIRE_ONCE -> 1;
				case FIRE_ALL -> schedule.missedLimit();
			};
			Latest late = latest(trigger, lastFired, onTimeFrom, wanted);
			fire.addAll(late.slots());
			// counted apart: the search above stops once it has enough
			missed = Math.max(late.seen(), count(trigger, lastFired, onTimeFrom, 0).seen());
			leftOut = missed - late.slots().size();
		}
		Instant from = onTimeFrom.isAfter(lastFired) ? onTimeFrom : lastFired;
		fire.addAll(latest(trigger, from, now, MAX_SLOTS_PER_SEARCH).slots());
		return new Due(List.copyOf(fire), missed, leftOut);
	}

	/**
	 * Return the latest {@code wanted} slots in {@code (after, until]}, oldest first, and how
	 * many slots are there (at least). The search looks back from {@code until} in windows
	 * that double, so that it never walks every slot of a long gap.
	 */
	private static Latest latest(ScheduleTrigger trigger, Instant after, Instant until, int wanted) {
		if (!until.isAfter(after)) {
			return new Latest(List.of(), 0);
		}
		Duration window = Duration.ofSeconds(1);
		Instant tooFew = until;
		while (true) {
			Instant start = until.minus(window);
			boolean whole = !start.isAfter(after);
			if (whole) {
				start = after;
			}
			Count count = count(trigger, start, until, wanted);
			if (count.capped()) {
				return narrow(trigger, start, tooFew, until, wanted);
			}
			if (whole || count.seen() > wanted) {
				return new Latest(count.kept(), count.seen());
			}
			tooFew = start;
			window = window.multipliedBy(2);
		}
	}

	/**
	 * Return the latest {@code wanted} slots up to {@code until} when more than a search
	 * may walk lie after {@code tooMany}, and at most {@code wanted} after {@code tooFew}:
	 * bisect the start between the two.
	 */
	private static Latest narrow(ScheduleTrigger trigger, Instant tooMany, Instant tooFew, Instant until,
			int wanted) {
		Instant many = tooMany;
		Instant few = tooFew;
		while (Duration.between(many, few).toMillis() > 1) {
			Instant middle = many.plus(Duration.between(many, few).dividedBy(2));
			Count count = count(trigger, middle, until, wanted);
			if (count.capped()) {
				many = middle;
			}
			else if (count.seen() > wanted) {
				return new Latest(count.kept(), MAX_SLOTS_PER_SEARCH);
			}
			else {
				few = middle;
			}
		}
		return new Latest(count(trigger, few, until, wanted).kept(), MAX_SLOTS_PER_SEARCH);
	}

	/**
	 * Walk the slots in {@code (after, until]}, keeping the latest {@code wanted}; give up
	 * after {@link #MAX_SLOTS_PER_SEARCH}.
	 */
	private static Count count(ScheduleTrigger trigger, Instant after, Instant until, int wanted) {
		Deque<Instant> kept = new ArrayDeque<>();
		long seen = 0;
		Instant slot = trigger.next(after);
		while (slot != null && !slot.isAfter(until)) {
			if (seen == MAX_SLOTS_PER_SEARCH) {
				return new Count(List.copyOf(kept), seen, true);
			}
			seen++;
			if (wanted > 0) {
				if (kept.size() == wanted) {
					kept.removeFirst();
				}
				kept.addLast(slot);
			}
			slot = trigger.next(slot);
		}
		return new Count(List.copyOf(kept), seen, false);
	}

	/**
	 * Slots to fire.
	 *
	 * @param slots the slots, oldest first
	 * @param missed how many slots were missed: more than the grace late (at least this
	 * many, when the gap was long)
	 * @param leftOut how many of the missed slots are not fired, by the policy or its limit
	 */
	public record Due(List<Instant> slots, long missed, long leftOut) {

		static final Due NOTHING = new Due(List.of(), 0, 0);

	}

	private record Latest(List<Instant> slots, long seen) {
	}

	private record Count(List<Instant> kept, long seen, boolean capped) {
	}

}
