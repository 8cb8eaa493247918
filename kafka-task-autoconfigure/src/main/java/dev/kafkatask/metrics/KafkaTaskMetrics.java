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

import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;
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

	private final Function<MeterKey, Meter> register = this::register;

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
		increment(KafkaTaskMeters.ROUTING_DECISIONS, task, queue, decision.backend().id(), OWNER, decision.rule(),
				clusterTag(decision.cluster()));
	}

	@Override
	public void dispatched(String task, String queue, Backend backend, @Nullable String cluster) {
		increment(KafkaTaskMeters.DISPATCHED, task, queue, backend.id(), OWNER, clusterTag(cluster));
	}

	@Override
	public void dispatchFailed(String task, String queue, Backend backend, @Nullable String cluster,
			Throwable failure) {
		Throwable cause = (failure instanceof CompletionException && failure.getCause() != null) ? failure.getCause()
				: failure;
		increment(KafkaTaskMeters.DISPATCH_FAILURES, task, queue, backend.id(), OWNER,
				cause.getClass().getSimpleName(), clusterTag(cluster));
	}

	private static String clusterTag(@Nullable String cluster) {
		return (cluster != null) ? cluster : NO_CLUSTER;
	}

	@Override
	public void rabbitPublished(String queue, String outcome) {
		increment(KafkaTaskMeters.RABBITMQ_PUBLISHES, queue, QUEUE_OWNER, outcome);
	}

	@Override
	public void started(String task, String queue, Backend backend, Duration queueTime) {
		record(KafkaTaskMeters.QUEUE_TIME, queueTime.isNegative() ? Duration.ZERO : queueTime, task, queue,
				backend.id(), OWNER);
	}

	@Override
	public void handled(String task, String queue, Backend backend, TaskOutcome outcome, Duration duration) {
		increment(KafkaTaskMeters.EXECUTIONS, task, queue, backend.id(), OWNER, outcome.tagValue());
		if (outcome == TaskOutcome.SUCCESS || outcome == TaskOutcome.FAILURE || outcome == TaskOutcome.RETRY) {
			record(KafkaTaskMeters.EXECUTION_TIME, duration, task, queue, backend.id(), OWNER, outcome.tagValue());
		}
	}

	@Override
	public void deadLettered(String task, String queue, Backend backend, DeadLetterReason reason) {
		deadLettered(task, queue, backend, Route.DEFAULT_CLUSTER, reason);
	}

	@Override
	public void deadLettered(String task, String queue, Backend backend, String cluster, DeadLetterReason reason) {
		increment(KafkaTaskMeters.DEAD_LETTERS, task, queue, backend.id(), OWNER, reason.code(),
				deadLetterCluster(backend, cluster));
	}

	@Override
	public void deadLetterFailed(String queue, Backend backend, Throwable failure) {
		deadLetterFailed(queue, backend, Route.DEFAULT_CLUSTER, failure);
	}

	@Override
	public void deadLetterFailed(String queue, Backend backend, String cluster, Throwable failure) {
		increment(KafkaTaskMeters.DEAD_LETTER_FAILURES, queue, backend.id(), QUEUE_OWNER,
				deadLetterCluster(backend, cluster));
	}

	@Override
	public void redriven(String queue, Backend backend, int redriven, int skipped) {
		redriven(queue, backend, Route.DEFAULT_CLUSTER, redriven, skipped);
	}

	@Override
	public void redriven(String queue, Backend backend, String cluster, int redriven, int skipped) {
		String clusterTag = deadLetterCluster(backend, cluster);
		increment(KafkaTaskMeters.REDRIVES, redriven, queue, backend.id(), QUEUE_OWNER, "redriven", clusterTag);
		increment(KafkaTaskMeters.REDRIVES, skipped, queue, backend.id(), QUEUE_OWNER, "skipped", clusterTag);
	}

	/**
	 * Return the {@code cluster} tag of a dead letter: its Kafka cluster, or {@code none} on
	 * RabbitMQ, as on dispatch meters.
	 */
	private static String deadLetterCluster(Backend backend, String cluster) {
		return (backend == Backend.KAFKA) ? cluster : NO_CLUSTER;
	}

	@Override
	public void backgroundFailure(String thread, Throwable failure) {
		increment(KafkaTaskMeters.BACKGROUND_FAILURES, thread);
	}

	@Override
	public void scheduleFired(String schedule, String task, String outcome) {
		increment(KafkaTaskMeters.SCHEDULE_FIRED, schedule, task, outcome);
	}

	@Override
	public void retryScheduled(String task, String queue, Backend backend) {
		increment(KafkaTaskMeters.RETRIES, task, queue, backend.id(), OWNER);
	}

	@Override
	public void timeLimitReached(String task, String queue, Backend backend, boolean hard) {
		increment(KafkaTaskMeters.TIME_LIMIT_HITS, task, queue, backend.id(), OWNER, hard ? "hard" : "soft");
	}

	@Override
	public void carrierPinned(String task, Duration duration) {
		record(KafkaTaskMeters.CARRIER_PINNED, duration, task, TASK_OWNER);
	}

	@Override
	public void rebalanced(String group, String type, int partitions, Duration duration) {
		rebalanced(group, Route.DEFAULT_CLUSTER, type, partitions, duration);
	}

	@Override
	public void rebalanced(String group, String cluster, String type, int partitions, Duration duration) {
		increment(KafkaTaskMeters.REBALANCES, group, type, cluster);
		record(KafkaTaskMeters.REBALANCE_TIME, duration, group, type, cluster);
	}

	/**
	 * The {@code cluster} of a dispatch that does not go to Kafka.
	 */
	private static final String NO_CLUSTER = "none";

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

	private void increment(KafkaTaskMeters meter, String... tagValues) {
		if (meter(meter, tagValues) instanceof Counter counter) {
			counter.increment();
		}
	}

	private void increment(KafkaTaskMeters meter, int amount, String... tagValues) {
		if (amount > 0 && meter(meter, tagValues) instanceof Counter counter) {
			counter.increment(amount);
		}
	}

	private void record(KafkaTaskMeters meter, Duration duration, String... tagValues) {
		if (meter(meter, tagValues) instanceof Timer timer) {
			timer.record(duration);
		}
	}

	/**
	 * Return the meter of the given tag values (in the order of the meter's key names),
	 * registering it the first time: meters are looked up per task run, so they are cached
	 * rather than built from an id each time, and the lookup allocates only its key.
	 */
	private @Nullable Meter meter(KafkaTaskMeters meter, String[] tagValues) {
		if (this.registry == null) {
			return null;
		}
		return this.meters.computeIfAbsent(new MeterKey(meter, tagValues), this.register);
	}

	private Meter register(MeterKey key) {
		KafkaTaskMeters meter = key.meter();
		io.micrometer.common.docs.KeyName[] keys = meter.getKeyNames();
		Tags tags = Tags.empty();
		for (int i = 0; i < keys.length; i++) {
			tags = tags.and(keys[i].asString(), tagValue(key.tagValues(), i));
		}
		if (meter.getType() == Meter.Type.TIMER) {
			Timer.Builder builder = Timer.builder(meter.getName()).description(meter.getDescription()).tags(tags);
			if (meter == KafkaTaskMeters.EXECUTION_TIME || meter == KafkaTaskMeters.QUEUE_TIME) {
				builder.publishPercentileHistogram();
			}
			return builder.register(registry());
		}
		return Counter.builder(meter.getName()).description(meter.getDescription()).tags(tags).register(registry());
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
