package dev.kafkatask.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.kafkatask.consumer.TaskConsumer;
import dev.kafkatask.consumer.TaskConsumers;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.kafka.worker.PartitionState;
import dev.kafkatask.kafka.worker.StallDetector;
import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOwners;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Records kafka-task's state {@link KafkaTaskMeters meters}: tasks in flight per consumer,
 * the state of each assigned Kafka partition (in flight, buffered, paused, committed offset,
 * lag), whether the worker stalled, and the depth of the RabbitMQ queues it consumes.
 * <p>
 * What needs the network — lag (an admin client), the stall check, queue depths — is read
 * every refresh interval on a thread of its own, never on a consumer thread nor on a scrape;
 * that thread also registers the meters of consumers and partitions that came, and drops
 * those of partitions that went. Tasks in flight per consumer are read live. The thread is
 * {@link SupervisedThread supervised} ({@code state-meters}): a refresh that throws is
 * logged, counted and backed off from, and the refreshes go on.
 *
 * @author kafka-task
 * @see KafkaTaskMetrics
 */
public class KafkaTaskStateMetrics implements MeterBinder, DisposableBean {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "state-meters";

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * The {@code cluster} tag of a RabbitMQ consumer's meters, as on dispatch meters.
	 */
	private static final String NO_CLUSTER = "none";

	private final TaskConsumers consumers;

	private final TaskOwners owners;

	private final List<Worker> workers;

	private final SupervisedThread refresher;

	private final Set<String> registeredConsumers = ConcurrentHashMap.newKeySet();

	private final Map<String, AtomicLong> queueDepths = new ConcurrentHashMap<>();

	private final List<Meter> meters = new ArrayList<>();

	private final Map<KafkaTaskMeters, MultiGauge> partitionGauges = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry registry;

	/**
	 * Create the state meters.
	 * @param consumers the consumers of both backends
	 * @param owners the owners of queues
	 * @param worker the Kafka worker, or {@code null} when this application runs none
	 * @param refreshInterval how often the state is read
	 * @param observer told when a refresh fails
	 */
	public KafkaTaskStateMetrics(TaskConsumers consumers, TaskOwners owners, @Nullable Worker worker,
			Duration refreshInterval, TaskObserver observer) {
		this(consumers, owners, refreshInterval, observer, (worker != null) ? List.of(worker) : List.of());
	}

	/**
	 * Create the state meters of several Kafka workers, one per cluster.
	 * @param consumers the consumers of both backends
	 * @param owners the owners of queues
	 * @param refreshInterval how often the state is read
	 * @param observer told when a refresh fails
	 * @param workers the Kafka workers, one per cluster; none when this application runs none
	 */
	public KafkaTaskStateMetrics(TaskConsumers consumers, TaskOwners owners, Duration refreshInterval,
			TaskObserver observer, List<Worker> workers) {
		this.consumers = consumers;
		this.owners = owners;
		this.workers = List.copyOf(workers);
		this.refresher = new SupervisedThread(THREAD, "kafka-task-metrics", this::refresh, observer);
		this.refresher.setInterval(refreshInterval);
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		this.registry = registry;
		for (Worker current : this.workers) {
			this.meters.add(Gauge
				.builder(KafkaTaskMeters.WORKER_STALLED.getName(), current.stalls(),
						(stalls) -> stalls.lastStatus().stalled() ? 1 : 0)
				.description(KafkaTaskMeters.WORKER_STALLED.getDescription())
				.tag(KafkaTaskMeters.Tags.GROUP.asString(), current.worker().getSettings().groupId())
				.tag(KafkaTaskMeters.Tags.CLUSTER.asString(), current.cluster())
				.register(registry));
		}
		if (!this.workers.isEmpty()) {
			for (KafkaTaskMeters meter : List.of(KafkaTaskMeters.PARTITION_IN_FLIGHT,
					KafkaTaskMeters.PARTITION_BUFFERED, KafkaTaskMeters.PARTITION_PAUSED,
					KafkaTaskMeters.PARTITION_COMMITTED_OFFSET, KafkaTaskMeters.PARTITION_LAG)) {
				this.partitionGauges.put(meter,
						MultiGauge.builder(meter.getName()).description(meter.getDescription()).register(registry));
			}
		}
		this.refresher.start();
	}

	/**
	 * Read the state now: register the meters of new consumers, read queue depths, check the
	 * worker (lag and stall) and publish the partition meters.
	 */
	synchronized void refresh() {
		MeterRegistry current = this.registry;
		if (current == null) {
			return;
		}
		for (TaskConsumer consumer : this.consumers.all()) {
			registerConsumer(current, consumer);
			AtomicLong depth = (consumer.backend() == Backend.RABBITMQ) ? this.queueDepths.get(consumer.queue())
					: null;
			if (depth != null) {
				depth.set(consumer.backlog());
			}
		}
		if (!this.workers.isEmpty()) {
			refreshPartitions();
		}
	}

	private void registerConsumer(MeterRegistry registry, TaskConsumer consumer) {
		String queue = consumer.queue();
		Backend backend = consumer.backend();
		String cluster = consumer.cluster();
		if (!this.registeredConsumers.add(backend.id() + "/" + cluster + "/" + queue)) {
			return;
		}
		String owner = this.owners.ofQueue(queue);
		TaskConsumer live = this.consumers.consumer(backend, cluster, queue);
		this.meters.add(Gauge.builder(KafkaTaskMeters.IN_FLIGHT.getName(), live, TaskConsumer::inFlight)
			.description(KafkaTaskMeters.IN_FLIGHT.getDescription())
			.strongReference(true)
			.tags(KafkaTaskMeters.Tags.BACKEND.asString(), backend.id(), KafkaTaskMeters.Tags.QUEUE.asString(), queue,
					KafkaTaskMeters.Tags.OWNER.asString(), owner, KafkaTaskMeters.Tags.CLUSTER.asString(),
					(cluster != null) ? cluster : NO_CLUSTER)
			.register(registry));
		if (backend == Backend.RABBITMQ) {
			AtomicLong depth = new AtomicLong(-1);
			this.queueDepths.put(queue, depth);
			this.meters.add(Gauge.builder(KafkaTaskMeters.RABBITMQ_QUEUE_DEPTH.getName(), depth, AtomicLong::get)
				.description(KafkaTaskMeters.RABBITMQ_QUEUE_DEPTH.getDescription())
				.tags(KafkaTaskMeters.Tags.QUEUE.asString(), queue, KafkaTaskMeters.Tags.OWNER.asString(), owner)
				.register(registry));
		}
	}

	private void refreshPartitions() {
		Map<KafkaTaskMeters, List<MultiGauge.Row<?>>> rows = new java.util.EnumMap<>(KafkaTaskMeters.class);
		for (Worker kafka : this.workers) {
			Map<TopicPartition, Long> lags = kafka.stalls().check().partitionLag();
			List<PartitionState> partitions = kafka.worker().getPartitions();
			rows(rows, KafkaTaskMeters.PARTITION_IN_FLIGHT, kafka, partitions, PartitionState::inFlight);
			rows(rows, KafkaTaskMeters.PARTITION_BUFFERED, kafka, partitions, PartitionState::buffered);
			rows(rows, KafkaTaskMeters.PARTITION_PAUSED, kafka, partitions, (state) -> state.paused() ? 1 : 0);
			rows(rows, KafkaTaskMeters.PARTITION_COMMITTED_OFFSET, kafka, partitions,
					PartitionState::committedOffset);
			List<PartitionState> withLag = partitions.stream()
				.filter((state) -> lags.containsKey(state.partition()))
				.toList();
			rows(rows, KafkaTaskMeters.PARTITION_LAG, kafka, withLag, (state) -> lags.get(state.partition()));
		}
		this.partitionGauges.forEach((meter, gauge) -> gauge.register(rows.getOrDefault(meter, List.of()), true));
	}

	private void rows(Map<KafkaTaskMeters, List<MultiGauge.Row<?>>> rows, KafkaTaskMeters meter, Worker kafka,
			List<PartitionState> partitions, ToDoubleFunction<PartitionState> value) {
		String group = kafka.worker().getSettings().groupId();
		List<MultiGauge.Row<?>> meterRows = rows.computeIfAbsent(meter, (key) -> new ArrayList<>());
		for (PartitionState state : partitions) {
			String topic = state.partition().topic();
			String queue = kafka.topics().queue(topic);
			queue = (queue != null) ? queue : topic;
			meterRows.add(MultiGauge.Row.of(Tags.of(KafkaTaskMeters.Tags.GROUP.asString(), group,
					KafkaTaskMeters.Tags.QUEUE.asString(), queue, KafkaTaskMeters.Tags.OWNER.asString(),
					this.owners.ofQueue(queue), KafkaTaskMeters.Tags.TOPIC.asString(), topic,
					KafkaTaskMeters.Tags.PARTITION.asString(), Integer.toString(state.partition().partition()),
					KafkaTaskMeters.Tags.CLUSTER.asString(), kafka.cluster()),
					value.applyAsDouble(state)));
		}
	}

	@Override
	public void destroy() {
		// Not under the lock: a refresh in progress holds it until it ends.
		this.refresher.stop(STOP_TIMEOUT);
		clear();
	}

	private synchronized void clear() {
		MeterRegistry current = this.registry;
		this.registry = null;
		if (current != null) {
			this.meters.forEach(current::remove);
			this.partitionGauges.values().forEach((gauge) -> gauge.register(List.of(), true));
		}
		this.meters.clear();
		this.partitionGauges.clear();
		this.queueDepths.clear();
		this.registeredConsumers.clear();
	}

	/**
	 * A Kafka worker whose partitions are measured.
	 *
	 * @param cluster the Kafka cluster it consumes
	 * @param worker the worker
	 * @param stalls reads its lag and tells whether it stalled
	 * @param topics tells the queue of each topic
	 */
	public record Worker(String cluster, TaskWorker worker, StallDetector stalls, TaskTopics topics) {

		/**
		 * Create the worker of the default cluster ({@value Route#DEFAULT_CLUSTER}).
		 * @param worker the worker
		 * @param stalls reads its lag and tells whether it stalled
		 * @param topics tells the queue of each topic
		 */
		public Worker(TaskWorker worker, StallDetector stalls, TaskTopics topics) {
			this(Route.DEFAULT_CLUSTER, worker, stalls, topics);
		}

	}

}
