package dev.kafkatask.kafka;

import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.monitor.TaskActivity;
import dev.kafkatask.monitor.TaskActivityWindow;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskEvents;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskResults;
import dev.kafkatask.monitor.TaskState;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Task lifecycle events in a topic keyed by task id, and the {@link TaskResults} read from
 * it. Events are written without waiting (a failure is counted and logged, never felt by
 * the task). The topic is compacted with a minimum compaction lag: the latest event of a
 * task is kept for the topic's retention, its whole history for at least the lag.
 * <p>
 * Reading starts with the first question asked of this instance (most instances are never
 * asked): the last {@code readBack} of the topic first, then as it grows, on a
 * {@link TopicReader} ({@code events}), into memory bounded to {@code maxTasks} tasks (the
 * least recently changed go first) and {@value #MAX_HISTORY} events per task.
 *
 * @author kafka-task
 */
public class TaskEventLog implements TaskEvents, TaskResults, SmartLifecycle {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "events";

	/**
	 * Most events kept per task.
	 */
	public static final int MAX_HISTORY = 50;

	private static final Log logger = LogFactory.getLog(TaskEventLog.class);

	private static final Duration FIRST_READ_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * Most events waiting to be written.
	 */
	public static final int QUEUE_CAPACITY = 65_536;

	/**
	 * The name of its writer's thread in {@code kafka.task.background.failures}.
	 */
	public static final String WRITER_THREAD = "events-writer";

	private final KafkaTemplate<String, byte[]> template;

	private final String topic;

	private final int maxTasks;

	private final JsonMapper mapper;

	private final Clock clock;

	private final TopicReader reader;

	private final TaskActivityWindow activity;

	/**
	 * The tasks read, least recently changed first; guarded by itself.
	 */
	private final LinkedHashMap<String, Tracked> tasks = new LinkedHashMap<>();

	/**
	 * The same tasks by the time of their latest event, for {@link #latest}: the order they
	 * are read in is not that time's (the first read goes partition by partition); guarded
	 * by {@link #tasks}. Tasks of the same time go in the order they were read.
	 */
	private final TreeSet<Tracked> byTime = new TreeSet<>(
			Comparator.comparing(Tracked::lastAt).thenComparingLong(Tracked::readAs));

	/**
	 * Events read so far; guarded by {@link #tasks}.
	 */
	private long read;

	private final Map<String, List<CompletableFuture<TaskState>>> waiting = new ConcurrentHashMap<>();

	private final AtomicLong failedWrites = new AtomicLong();

	private final BlockingQueue<TaskEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);

	private final AtomicBoolean writing = new AtomicBoolean();

	private final SupervisedThread writer;

	private volatile long lastWarning;

	private volatile boolean running;

	/**
	 * Create the log.
	 * @param template writes the events
	 * @param consumerFactory creates the consumer that reads them (no group)
	 * @param topic the events topic
	 * @param readBack how far back to read when first asked
	 * @param maxTasks most tasks kept in memory
	 * @param mapper writes and reads events
	 * @param observer told when the consumer fails
	 * @param clock the clock
	 */
	public TaskEventLog(KafkaTemplate<String, byte[]> template, ConsumerFactory<String, byte[]> consumerFactory,
			String topic, Duration readBack, int maxTasks, JsonMapper mapper, TaskObserver observer, Clock clock) {
		this.template = template;
		this.topic = topic;
		this.maxTasks = maxTasks;
		this.mapper = mapper;
		this.clock = clock;
		this.activity = new TaskActivityWindow(clock);
		this.reader = new TopicReader(THREAD, consumerFactory, topic, readBack, this::read, () -> {
		}, observer, clock);
		this.writer = new SupervisedThread(WRITER_THREAD, "kafka-task-" + WRITER_THREAD, new Writer(), observer);
	}

	public String getTopic() {
		return this.topic;
	}

	/**
	 * Return how many events could not be written.
	 * @return the count
	 */
	public long failedWrites() {
		return this.failedWrites.get();
	}

	/**
	 * Queue an event for the writer: never blocks (an event that finds the queue full is
	 * dropped and counted), so that neither a task nor the producer's own thread (where a
	 * dispatch learns it was acknowledged) waits for events.
	 */
	@Override
	public void publish(TaskEvent event) {
		if (!this.queue.offer(event)) {
			failed(new IllegalStateException("the queue of " + QUEUE_CAPACITY + " events waiting to be written is full"));
			return;
		}
		if (this.writing.compareAndSet(false, true)) {
			this.writer.start();
		}
	}

	/**
	 * Write the events waiting, on the writer's thread.
	 */
	private void write(Duration wait) throws InterruptedException {
		TaskEvent first = this.queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
		if (first == null) {
			return;
		}
		List<TaskEvent> batch = new ArrayList<>();
		batch.add(first);
		this.queue.drainTo(batch, 1000);
		for (TaskEvent event : batch) {
			try {
				this.template.send(this.topic, event.taskId(), encode(event))
					.whenComplete((result, failure) -> {
						if (failure != null) {
							failed(failure);
						}
					});
			}
			catch (RuntimeException ex) {
				failed(ex);
			}
		}
	}

	private void failed(Throwable failure) {
		this.failedWrites.incrementAndGet();
		long now = this.clock.millis();
		if (now - this.lastWarning > 60_000) {
			this.lastWarning = now;
			logger.warn("Task events could not be written to '" + this.topic + "' (" + this.failedWrites.get()
					+ " so far; this is logged once a minute): " + failure);
		}
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
		this.reader.start();
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

	private void awaitFirstRead() {
		this.reader.start();
		try {
			this.reader.awaitCaughtUp(FIRST_READ_TIMEOUT);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		this.reader.stop();
		if (this.writing.compareAndSet(true, false)) {
			// its close() writes what is still waiting
			this.writer.stop(Duration.ofSeconds(10));
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void read(ConsumerRecord<String, byte[]> record) {
		if (record.key() == null || record.value() == null) {
			return;
		}
		TaskEvent event;
		try {
			event = event(record.key(), this.mapper.readTree(record.value()));
		}
		catch (JacksonException | IllegalArgumentException | NullPointerException ex) {
			logger.debug("Skipping an unreadable task event at " + record.partition() + "@" + record.offset());
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
	 * Write an event as the JSON value of its record, streamed field by field (the task id is
	 * the record's key).
	 * @param event the event
	 * @return the JSON bytes
	 */
	byte[] encode(TaskEvent event) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(256);
		try (JsonGenerator json = this.mapper.createGenerator(out)) {
			json.writeStartObject();
			json.writeStringProperty("type", event.type().code());
			json.writeStringProperty("task", event.task());
			json.writeStringProperty("queue", event.queue());
			json.writeStringProperty("backend", event.backend());
			json.writeStringProperty("worker", event.worker());
			json.writeNumberProperty("at", event.at().toEpochMilli());
			json.writeNumberProperty("attempt", event.attempt());
			writeIfPresent(json, "result", event.result());
			writeIfPresent(json, "error", event.error());
			writeIfPresent(json, "reason", event.reason());
			writeIfPresent(json, "arguments", event.arguments());
			json.writeEndObject();
		}
		return out.toByteArray();
	}

	private static void writeIfPresent(JsonGenerator json, String name, @Nullable String value) {
		if (value != null) {
			json.writeStringProperty(name, value);
		}
	}

	private static TaskEvent event(String taskId, JsonNode json) {
		return new TaskEvent(taskId, TaskEventType.of(json.get("type").asString()), json.get("task").asString(),
				json.get("queue").asString(), json.get("backend").asString(), json.get("worker").asString(),
				Instant.ofEpochMilli(json.get("at").asLong()), json.get("attempt").asInt(), text(json, "result"),
				text(json, "error"), text(json, "reason"), text(json, "arguments"));
	}

	private static @Nullable String text(JsonNode json, String name) {
		JsonNode value = json.get(name);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private final class Writer implements SupervisedThread.Loop {

		@Override
		public void iterate() throws InterruptedException {
			write(Duration.ofMillis(200));
		}

		@Override
		public void close() {
			try {
				while (!TaskEventLog.this.queue.isEmpty()) {
					write(Duration.ZERO);
				}
				TaskEventLog.this.template.flush();
			}
			catch (InterruptedException | RuntimeException ex) {
				logger.debug("Task events left unwritten at shutdown: " + TaskEventLog.this.queue.size());
			}
		}

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
