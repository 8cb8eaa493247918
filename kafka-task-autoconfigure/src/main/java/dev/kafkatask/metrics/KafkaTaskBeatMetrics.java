package dev.kafkatask.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.kafkatask.kafka.beat.Beat;
import dev.kafkatask.schedule.Schedule;

/**
 * The beat's state meters: whether this instance leads ({@code kafka.task.schedule.leader})
 * and how late it fired the last slot of each schedule ({@code kafka.task.schedule.lag}),
 * read from the {@link Beat} at each scrape (no I/O); none when there are no schedules. Its event meter,
 * {@code kafka.task.schedule.fired}, is recorded by {@link KafkaTaskMetrics}. Meters are
 * removed on close.
 *
 * @author kafka-task
 */
public class KafkaTaskBeatMetrics implements MeterBinder, DisposableBean {

	private final Beat beat;

	private final List<Meter> meters = new CopyOnWriteArrayList<>();

	private volatile @Nullable MeterRegistry registry;

	public KafkaTaskBeatMetrics(Beat beat) {
		this.beat = beat;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		if (this.beat.schedules().isEmpty()) {
			// no schedules, no election
			return;
		}
		this.meters.add(Gauge.builder(KafkaTaskMeters.SCHEDULE_LEADER.getName(), this.beat,
					(beat) -> beat.isLeader() ? 1 : 0)
			.description(KafkaTaskMeters.SCHEDULE_LEADER.getDescription())
			.tag(KafkaTaskMeters.Tags.GROUP.asString(), this.beat.getSettings().groupId())
			.register(registry));
		for (Schedule schedule : this.beat.schedules()) {
			String name = schedule.name();
			this.meters.add(Gauge.builder(KafkaTaskMeters.SCHEDULE_LAG.getName(), this.beat, (beat) -> lag(beat, name))
				.description(KafkaTaskMeters.SCHEDULE_LAG.getDescription())
				.tag(KafkaTaskMeters.Tags.SCHEDULE.asString(), name)
				.register(registry));
		}
	}

	private static double lag(Beat beat, String schedule) {
		return beat.states()
			.stream()
			.filter((state) -> state.schedule().name().equals(schedule))
			.map(Beat.ScheduleState::lastLateness)
			.filter(java.util.Objects::nonNull)
			.mapToDouble((lateness) -> seconds(lateness))
			.findFirst()
			.orElse(Double.NaN);
	}

	private static double seconds(Duration duration) {
		return duration.toNanos() / 1e9;
	}

	@Override
	public void destroy() {
		MeterRegistry current = this.registry;
		this.registry = null;
		if (current != null) {
			this.meters.forEach(current::remove);
		}
		this.meters.clear();
	}

}
