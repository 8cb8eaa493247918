package dev.kafkatask.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.RouteDecision;

/**
 * Records kafka-task's event {@link KafkaTaskMeters meters} (dispatches, runs, retries, time
 * limits, pinning, routing, rebalances, RabbitMQ publishes): a {@link TaskObserver} bound to
 * a registry as a {@link MeterBinder}. Events that arrive before it is bound are not
 * recorded. Every meter carries the {@code owner} of its task or queue. Meters are removed on
 * close.
 *
 * @author kafka-task
 * @see KafkaTaskStateMetrics
 */
public class KafkaTaskMetrics implements TaskObserver, MeterBinder, DisposableBean {

	private final TaskOwners owners;

	private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry registry;

	public KafkaTaskMetrics(TaskOwners owners) {
		this.owners = owners;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void routed(String task, String queue, RouteDecision decision) {
		Counter counter = counter(KafkaTaskMeters.ROUTING_DECISIONS, task, queue, decision.backend().id(), OWNER,
				decision.rule());
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void dispatched(String task, String queue, Backend backend) {
		Counter counter = counter(KafkaTaskMeters.DISPATCHED, task, queue, backend.id(), OWNER);
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void dispatchFailed(String task, String queue, Backend backend, Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		Counter counter = counter(KafkaTaskMeters.DISPATCH_FAILURES, task, queue, backend.id(), OWNER,
				cause.getClass().getSimpleName());
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void rabbitPublished(String queue, String outcome) {
		Counter counter = counter(KafkaTaskMeters.RABBITMQ_PUBLISHES, queue, QUEUE_OWNER, outcome);
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void started(String task, String queue, Backend backend, Duration queueTime) {
		Timer timer = timer(KafkaTaskMeters.QUEUE_TIME, task, queue, backend.id(), OWNER);
		if (timer != null) {
			timer.record(queueTime.isNegative() ? Duration.ZERO : queueTime);
		}
	}

	@Override
	public void handled(String task, String queue, Backend backend, TaskOutcome outcome, Duration duration) {
		Counter counter = counter(KafkaTaskMeters.EXECUTIONS, task, queue, backend.id(), OWNER, outcome.tagValue());
		if (counter == null) {
			return;
		}
		counter.increment();
		if (outcome == TaskOutcome.SUCCESS || outcome == TaskOutcome.FAILURE || outcome == TaskOutcome.RETRY) {
			Timer timer = timer(KafkaTaskMeters.EXECUTION_TIME, task, queue, backend.id(), OWNER, outcome.tagValue());
			if (timer != null) {
				timer.record(duration);
			}
		}
	}

	@Override
	public void retryScheduled(String task, String queue, Backend backend) {
		Counter counter = counter(KafkaTaskMeters.RETRIES, task, queue, backend.id(), OWNER);
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void timeLimitReached(String task, String queue, Backend backend, boolean hard) {
		Counter counter = counter(KafkaTaskMeters.TIME_LIMIT_HITS, task, queue, backend.id(), OWNER,
				hard ? "hard" : "soft");
		if (counter != null) {
			counter.increment();
		}
	}

	@Override
	public void carrierPinned(String task, Duration duration) {
		Timer timer = timer(KafkaTaskMeters.CARRIER_PINNED, task, TASK_OWNER);
		if (timer != null) {
			timer.record(duration);
		}
	}

	@Override
	public void rebalanced(String group, String type, int partitions, Duration duration) {
		Counter counter = counter(KafkaTaskMeters.REBALANCES, group, type);
		Timer timer = timer(KafkaTaskMeters.REBALANCE_TIME, group, type);
		if (counter != null && timer != null) {
			counter.increment();
			timer.record(duration);
		}
	}

	/**
	 * Marks the place of the owner among tag values: the owner of the task (whose name and
	 * queue come first), worked out once per meter.
	 */
	private static final String OWNER = "\0owner";

	/**
	 * The owner of the queue whose name comes first.
	 */
	private static final String QUEUE_OWNER = "\0queue-owner";

	/**
	 * The owner of the task whose name comes first, whatever its queue.
	 */
	private static final String TASK_OWNER = "\0task-owner";

	private @Nullable Counter counter(KafkaTaskMeters meter, String... tagValues) {
		return (Counter) meter(meter, tagValues, (tags) -> Counter.builder(meter.getName())
			.description(meter.getDescription())
			.tags(tags)
			.register(registry()));
	}

	private @Nullable Timer timer(KafkaTaskMeters meter, String... tagValues) {
		return (Timer) meter(meter, tagValues, (tags) -> {
			Timer.Builder builder = Timer.builder(meter.getName()).description(meter.getDescription()).tags(tags);
			if (meter == KafkaTaskMeters.EXECUTION_TIME || meter == KafkaTaskMeters.QUEUE_TIME) {
				builder.publishPercentileHistogram();
			}
			return builder.register(registry());
		});
	}

	/**
	 * Return the meter of the given tag values (in the order of the meter's key names),
	 * registering it the first time: meters are looked up per task run, so they are cached
	 * rather than built from an id each time.
	 */
	private @Nullable Meter meter(KafkaTaskMeters meter, String[] tagValues, Function<Tags, Meter> register) {
		if (this.registry == null) {
			return null;
		}
		return this.meters.computeIfAbsent(new MeterKey(meter, tagValues), (key) -> {
			io.micrometer.common.docs.KeyName[] keys = meter.getKeyNames();
			Tags tags = Tags.empty();
			for (int i = 0; i < keys.length; i++) {
				tags = tags.and(keys[i].asString(), tagValue(tagValues, i));
			}
			return register.apply(tags);
		});
	}

	private String tagValue(String[] values, int index) {
		return switch (values[index]) {
			case OWNER -> this.owners.ofTask(values[0], values[1]);
			case QUEUE_OWNER -> this.owners.ofQueue(values[0]);
			case TASK_OWNER -> {
				String owner = this.owners.ownTaskOwner(values[0]);
				yield (owner != null) ? owner : TaskOwners.UNOWNED;
			}
			default -> values[index];
		};
	}

	private MeterRegistry registry() {
		MeterRegistry current = this.registry;
		if (current == null) {
			throw new IllegalStateException("Not bound to a meter registry");
		}
		return current;
	}

	@Override
	public void destroy() {
		MeterRegistry current = this.registry;
		this.registry = null;
		if (current != null) {
			this.meters.values().forEach(current::remove);
		}
		this.meters.clear();
	}

	private record MeterKey(KafkaTaskMeters meter, String[] tagValues) {

		@Override
		public boolean equals(Object other) {
			return other instanceof MeterKey key && this.meter == key.meter
					&& Arrays.equals(this.tagValues, key.tagValues);
		}

		@Override
		public int hashCode() {
			return 31 * this.meter.hashCode() + Arrays.hashCode(this.tagValues);
		}

	}

}
