package dev.kafkatask.metrics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;

/**
 * Records kafka-task's {@link KafkaTaskMeters meters}: a {@link TaskObserver} bound to a
 * registry as a {@link MeterBinder}. Events that arrive before it is bound are not recorded.
 * Meters are removed on close.
 *
 * @author kafka-task
 */
public class KafkaTaskMetrics implements TaskObserver, MeterBinder, DisposableBean {

	private final List<Meter> gauges = new CopyOnWriteArrayList<>();

	private final Map<Key, Counter> dispatchedCounters = new ConcurrentHashMap<>();

	private final Map<Key, Counter> executionCounters = new ConcurrentHashMap<>();

	private final Map<Key, Timer> executionTimers = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry registry;

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void workerStarted(String group, String queue, IntSupplier inFlight) {
		MeterRegistry current = this.registry;
		if (current != null) {
			this.gauges.add(Gauge.builder(KafkaTaskMeters.IN_FLIGHT.getName(), inFlight::getAsInt)
				.description("Tasks running now in a worker")
				.tag(KafkaTaskMeters.Tags.QUEUE.asString(), queue)
				.tag(KafkaTaskMeters.Tags.GROUP.asString(), group)
				.strongReference(true)
				.register(current));
		}
	}

	@Override
	public void dispatched(String task, String queue) {
		MeterRegistry current = this.registry;
		if (current != null) {
			this.dispatchedCounters.computeIfAbsent(new Key(task, queue, ""),
					(key) -> Counter.builder(KafkaTaskMeters.DISPATCHED.getName())
						.description("Tasks dispatched and acknowledged by the broker")
						.tag(KafkaTaskMeters.Tags.TASK.asString(), task)
						.tag(KafkaTaskMeters.Tags.QUEUE.asString(), queue)
						.register(current))
				.increment();
		}
	}

	@Override
	public void dispatchFailed(String task, String queue, Throwable failure) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			Counter.builder(KafkaTaskMeters.DISPATCH_FAILURES.getName())
				.description("Dispatches that failed")
				.tag(KafkaTaskMeters.Tags.TASK.asString(), task)
				.tag(KafkaTaskMeters.Tags.QUEUE.asString(), queue)
				.tag(KafkaTaskMeters.Tags.EXCEPTION.asString(), cause.getClass().getSimpleName())
				.register(current)
				.increment();
		}
	}

	@Override
	public void handled(String task, String queue, TaskOutcome outcome, Duration duration) {
		MeterRegistry current = this.registry;
		if (current == null) {
			return;
		}
		// Meters are looked up per record: cache them rather than build an id each time.
		Key key = new Key(task, queue, outcome.tagValue());
		this.executionCounters.computeIfAbsent(key, (k) -> Counter.builder(KafkaTaskMeters.EXECUTIONS.getName())
			.description("Task records handled, by outcome")
			.tag(KafkaTaskMeters.Tags.TASK.asString(), task)
			.tag(KafkaTaskMeters.Tags.QUEUE.asString(), queue)
			.tag(KafkaTaskMeters.Tags.OUTCOME.asString(), outcome.tagValue())
			.register(current)).increment();
		if (outcome != TaskOutcome.DEAD_LETTERED) {
			this.executionTimers.computeIfAbsent(key, (k) -> Timer.builder(KafkaTaskMeters.EXECUTION_TIME.getName())
				.description("Time tasks ran")
				.tag(KafkaTaskMeters.Tags.TASK.asString(), task)
				.tag(KafkaTaskMeters.Tags.QUEUE.asString(), queue)
				.tag(KafkaTaskMeters.Tags.OUTCOME.asString(), outcome.tagValue())
				.publishPercentileHistogram()
				.register(current)).record(duration);
		}
	}

	@Override
	public void carrierPinned(String task, Duration duration) {
		MeterRegistry current = this.registry;
		if (current != null) {
			Timer.builder(KafkaTaskMeters.CARRIER_PINNED.getName())
				.description("Times a task blocked while pinned to its carrier thread")
				.tag(KafkaTaskMeters.Tags.TASK.asString(), task)
				.register(current)
				.record(duration);
		}
	}

	@Override
	public void destroy() {
		MeterRegistry current = this.registry;
		if (current == null) {
			return;
		}
		this.gauges.forEach(current::remove);
		current.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("kafka.task."))
			.forEach(current::remove);
		this.registry = null;
		this.dispatchedCounters.clear();
		this.executionCounters.clear();
		this.executionTimers.clear();
	}

	private record Key(String task, String queue, String outcome) {
	}

}
