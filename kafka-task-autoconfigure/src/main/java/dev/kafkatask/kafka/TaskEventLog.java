package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.Assert;

import dev.kafkatask.monitor.TaskActivity;
import dev.kafkatask.monitor.TaskActivityWindow;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEvents;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskResults;
import dev.kafkatask.monitor.TaskState;
import dev.kafkatask.routing.Route;

/**
 * Task lifecycle events in a topic keyed by task id, and the {@link TaskResults} read from
 * it. Events are written without waiting (a failure is counted and logged, never felt by
 * the task). The topic is compacted with a minimum compaction lag: the latest event of a
 * task is kept for the topic's retention, its whole history for at least the lag.
 * <p>
 * Each Kafka cluster has its events topic ({@link #addCluster}): an event is written to that
 * of its {@link TaskEvent#cluster() cluster}, the cluster of the task's queue, by that
 * cluster's {@link TaskEventWriter}; an event of a cluster this log does not know goes to
 * the default cluster's topic, keeping its cluster, so that it is not lost and this
 * instance still reads it. The events topics of every cluster are read into the same
 * memory, each by a {@link TaskEventReader} of its own: a question about a task finds it
 * whatever its cluster, and a cluster that is down holds up neither the others' events nor,
 * past the first wait, the questions.
 * <p>
 * Reading starts with the first question asked of this instance (most instances are never
 * asked): the last {@code readBack} of the topics first, then as they grow, on a
 * {@link TopicReader} ({@code events}) per cluster, into memory bounded to {@code maxTasks}
 * tasks (the least recently changed go first) and {@value #MAX_HISTORY} events per task.
 *
 * @author kafka-task
 */
public class TaskEventLog implements TaskEvents, TaskResults, SmartLifecycle {

	/**
	 * The name of its readers' threads in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "events";

	/**
	 * Most events kept per task.
	 */
	public static final int MAX_HISTORY = 50;

	private static final Log logger = LogFactory.getLog(TaskEventLog.class);

	private static final Duration FIRST_READ_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration WRITER_STOP_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Most events waiting to be written, per cluster.
	 */
	public static final int QUEUE_CAPACITY = 65_536;

	/**
	 * The name of its writers' threads in {@code kafka.task.background.failures}.
	 */
	public static final String WRITER_THREAD = "events-writer";

	private final String topic;

	private final Duration readBack;

	private final int maxTasks;

	private final TaskEventJson json;

	private final TaskObserver observer;

	private final Clock clock;

	private final TaskActivityWindow activity;

	/**
	 * The writer and the reader of each cluster, the default one first; replaced whole when
	 * a cluster is added.
	 */
	private volatile Map<String, ClusterEvents> clusters = Map.of();

	/**
	 * The tasks read, least recently changed first; guarded by itself.
	 */
	private final LinkedHashMap<String, Tracked> tasks = new LinkedHashMap<>();

	/**
	 * The same tasks by the time of their latest event, for {@link #latest}: the order they
	 * are read in is not that time's (the first read goes partition by partition, cluster by
	 * cluster); guarded by {@link #tasks}. Tasks of the same time go in the order they were
	 * read.
	 */
	private final TreeSet<Tracked> byTime = new TreeSet<>(
			Comparator.comparing(Tracked::lastAt).thenComparingLong(Tracked::readAs));

	/**
	 * Events read so far; guarded by {@link #tasks}.
	 */
	private long read;

	private final Map<String, List<CompletableFuture<TaskState>>> waiting = new ConcurrentHashMap<>();

	private final AtomicBoolean warnedOfUnknownCluster = new AtomicBoolean();

	private volatile boolean running;

	/**
	 * Create the log of the default cluster ({@value Route#DEFAULT_CLUSTER}).
	 * @param template writes the events
	 * @param consumerFactory creates the consumer that reads them (no group)
	 * @param topic the events topic, of the same name on every cluster
	 * @param readBack how far back to read when first asked
	 * @param maxTasks most tasks kept in memory
	 * @param mapper writes and reads events
	 * @param observer told when the consumer fails
	 * @param clock the clock
	 */
	public TaskEventLog(KafkaTemplate<String, byte[]> template, ConsumerFactory<String, byte[]> consumerFactory,
			String topic, Duration readBack, int maxTasks, JsonMapper mapper, TaskObserver observer, Clock clock) {
		this.topic = topic;
		this.readBack = readBack;
		this.maxTasks = maxTasks;
		this.json = new TaskEventJson(mapper);
		this.observer = observer;
		this.clock = clock;
		this.activity = new TaskActivityWindow(clock);
		this.clusters = Map.of(Route.DEFAULT_CLUSTER, clusterEvents(Route.DEFAULT_CLUSTER, template, consumerFactory));
	}

	/**
	 * Add a named Kafka cluster, before the log is used: events of its tasks are written to
	 * its events topic, which is read with the others.
	 * @param name the cluster's name
	 * @param template writes to it
	 * @param consumerFactory creates the consumer that reads its events topic (no group)
	 */
	public synchronized void addCluster(String name, KafkaTemplate<String, byte[]> template,
			ConsumerFactory<String, byte[]> consumerFactory) {
		Assert.hasText(name, "'name' must not be empty");
		Map<String, ClusterEvents> current = this.clusters;
		Assert.state(!current.containsKey(name), () -> "Kafka cluster '" + name + "' was added already");
		Map<String, ClusterEvents> added = new LinkedHashMap<>(current);
		added.put(name, clusterEvents(name, template, consumerFactory));
		this.clusters = Collections.unmodifiableMap(added);
	}

	private ClusterEvents clusterEvents(String name, KafkaTemplate<String, byte[]> template,
			ConsumerFactory<String, byte[]> consumerFactory) {
		boolean defaultCluster = Route.DEFAULT_CLUSTER.equals(name);
		String suffix = defaultCluster ? "" : "-" + name;
		TaskEventWriter writer = new TaskEventWriter(name, "kafka-task-" + WRITER_THREAD + suffix, template,
				this.topic, this.json, this.observer, this.clock);
		TopicReader reader = new TopicReader(THREAD, "kafka-task-" + THREAD + suffix, consumerFactory, this.topic,
				this.readBack, (record) -> read(record, name), () -> {
				}, this.observer, this.clock);
		return new ClusterEvents(writer, new TaskEventReader(name, reader, defaultCluster, FIRST_READ_TIMEOUT));
	}

	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return the Kafka clusters whose events topics this log writes and reads.
	 * @return the clusters, {@value Route#DEFAULT_CLUSTER} first
	 */
	public Set<String> clusters() {
		return this.clusters.keySet();
	}

	/**
	 * Return how many events could not be written, on every cluster.
	 * @return the count
	 */
	public long failedWrites() {
		return this.clusters.values().stream().mapToLong((cluster) -> cluster.writer().failedWrites()).sum();
	}

	/**
	 * Queue an event for the writer of its cluster: never blocks (an event that finds the
	 * queue full is dropped and counted), so that neither a task nor the producer's own thread
	 * (where a dispatch learns it was acknowledged) waits for events.
	 */
	@Override
	public void publish(TaskEvent event) {
		Map<String, ClusterEvents> current = this.clusters;
		ClusterEvents cluster = current.get(event.cluster());
		if (cluster == null) {
			if (this.warnedOfUnknownCluster.compareAndSet(false, true)) {
				logger.warn("Task events of Kafka cluster '" + event.cluster() + "', which this log does not know "
						+ current.keySet() + ", go to '" + this.topic + "' of the default cluster (logged once)");
			}
			cluster = current.get(Route.DEFAULT_CLUSTER);
		}
		cluster.writer().publish(event);
	}

	@Override
	public Optional<TaskState> state(String taskId) {
		TaskResults.checkId(taskId);
		awaitFirstRead();
		synchronized (this.tasks) {
			Tracked tracked = this.tasks.get(taskId);
			return (tracked != null) ? Optional.of(tracked.state()) : Optional.empty();
		}
	}

	@Override
	public CompletableFuture<TaskState> result(String taskId, Duration timeout) {
		TaskResults.checkId(taskId);
		startReading();
		CompletableFuture<TaskState> result = new CompletableFuture<>();
		this.waiting.computeIfAbsent(taskId, (id) -> new CopyOnWriteArrayList<>()).add(result);
		synchronized (this.tasks) {
			Tracked tracked = this.tasks.get(taskId);
			if (tracked != null && tracked.state().isDone()) {
				result.complete(tracked.state());
			}
		}
		return result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((state, failure) -> {
			List<CompletableFuture<TaskState>> futures = this.waiting.get(taskId);
			if (futures != null) {
				futures.remove(result);
				this.waiting.remove(taskId, List.of());
			}
		});
	}

	@Override
	public List<TaskState> latest(int limit) {
		awaitFirstRead();
		List<TaskState> latest = new ArrayList<>();
		synchronized (this.tasks) {
			// from the most recently changed on: O(limit), not a copy of every task kept
			for (Tracked tracked : this.byTime.descendingSet()) {
				if (latest.size() >= limit) {
					break;
				}
				latest.add(tracked.state());
			}
		}
		return latest;
	}

	/**
	 * Return the events read of the last minute, counted as they were read (see
	 * {@link TaskActivityWindow}).
	 */
	@Override
	public TaskActivity activity() {
		awaitFirstRead();
		return this.activity.snapshot();
	}

	private void startReading() {
		this.clusters.values().forEach((cluster) -> cluster.reader().start());
	}

	/**
	 * Wait for the first read of every cluster's topic, all in the same 5 seconds at most
	 * (their readers read at the same time); a named cluster's only in the first 5 seconds
	 * after it started (see {@link TaskEventReader}).
	 */
	private void awaitFirstRead() {
		startReading();
		long deadline = System.nanoTime() + FIRST_READ_TIMEOUT.toNanos();
		try {
			for (ClusterEvents cluster : this.clusters.values()) {
				cluster.reader().awaitFirstRead(deadline);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Stop reading, and writing once what waits is written: every cluster's writer at the
	 * same time, so that one that is down holds up the stop only once.
	 */
	@Override
	public void stop() {
		this.running = false;
		Collection<ClusterEvents> clusters = this.clusters.values();
		clusters.forEach((cluster) -> cluster.reader().stop());
		List<Thread> stopping = clusters.stream()
			.map((cluster) -> Thread.ofVirtual()
				.name("kafka-task-events-stop-" + cluster.reader().cluster())
				.start(() -> cluster.writer().stop(WRITER_STOP_TIMEOUT)))
			.toList();
		for (Thread thread : stopping) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void read(ConsumerRecord<String, byte[]> record, String cluster) {
		if (record.key() == null || record.value() == null) {
			return;
		}
		TaskEvent event;
		try {
			event = this.json.read(record.key(), record.value(), cluster);
		}
		catch (JacksonException | IllegalArgumentException | NullPointerException ex) {
			logger.debug("Skipping an unreadable task event of Kafka cluster '" + cluster + "' at "
					+ record.partition() + "@" + record.offset());
			return;
		}
		this.activity.record(event);
		TaskState state;
		synchronized (this.tasks) {
			Tracked tracked = this.tasks.remove(event.taskId());
			if (tracked == null) {
				tracked = new Tracked();
			}
			else {
				this.byTime.remove(tracked);
			}
			tracked.add(event, ++this.read);
			this.tasks.put(event.taskId(), tracked);
			this.byTime.add(tracked);
			while (this.tasks.size() > this.maxTasks) {
				this.byTime.remove(this.tasks.pollFirstEntry().getValue());
			}
			state = tracked.state();
		}
		if (state.isDone()) {
			List<CompletableFuture<TaskState>> futures = this.waiting.remove(event.taskId());
			if (futures != null) {
				futures.forEach((future) -> future.complete(state));
			}
		}
	}

	/**
	 * Write an event as the JSON value of its record (see {@link TaskEventJson}).
	 * @param event the event
	 * @return the JSON bytes
	 */
	byte[] encode(TaskEvent event) {
		return this.json.write(event);
	}

	/**
	 * The writer and the reader of one cluster's events topic.
	 */
	private record ClusterEvents(TaskEventWriter writer, TaskEventReader reader) {
	}

	/**
	 * The events of one task read so far.
	 */
	private static final class Tracked {

		private static final Comparator<TaskEvent> PROGRESS = Comparator.comparingInt(TaskEvent::attempt)
			.thenComparingInt(Tracked::rank)
			.thenComparing(TaskEvent::at);

		private final List<TaskEvent> history = new ArrayList<>();

		private @Nullable TaskEvent latest;

		private @Nullable String arguments;

		private Instant lastAt = Instant.MIN;

		private long readAs;

		/**
		 * When its latest event happened.
		 */
		Instant lastAt() {
			return this.lastAt;
		}

		/**
		 * The number of its event read last, among all events read.
		 */
		long readAs() {
			return this.readAs;
		}

		void add(TaskEvent event, long number) {
			if (event.at().isAfter(this.lastAt)) {
				this.lastAt = event.at();
			}
			this.readAs = number;
			if (event.arguments() != null) {
				this.arguments = event.arguments();
			}
			this.history.add(event);
			this.history.sort(Comparator.comparing(TaskEvent::at));
			if (this.history.size() > MAX_HISTORY) {
				this.history.removeFirst();
			}
			// Events come from several instances: the dispatcher's may come after the
			// worker's, so the furthest step wins, not the last read.
			if (this.latest == null || PROGRESS.compare(event, this.latest) >= 0) {
				this.latest = event;
			}
		}

		TaskState state() {
			TaskEvent last = this.latest;
			return new TaskState(last.taskId(), last.task(), last.type(), last.queue(), last.backend(), last.worker(),
					last.at(), last.attempt(), last.result(), last.error(), last.reason(), this.history,
					this.arguments);
		}

		private static int rank(TaskEvent event) {
			return switch (event.type()) {
				case DISPATCHED -> 0;
				case RECEIVED -> 1;
				case STARTED -> 2;
				case RETRIED -> 3;
				default -> 4;
			};
		}

	}

}
