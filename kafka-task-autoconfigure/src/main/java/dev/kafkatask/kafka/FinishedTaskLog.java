package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.execution.FinishedTasks;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * {@link FinishedTasks} kept in a compacted topic keyed by task id: a worker that ran a
 * tracked task writes its id there, and every worker instance reads the whole topic (no
 * consumer group) into memory, keeping the ids of the last {@link #getRetention()
 * retention} (the topic's too). A task that succeeded is skipped by any worker that read its
 * record before it got the copy: a copy that runs at the same time as the first, or within
 * the moment the record takes to be read, still runs.
 * <p>
 * On start it reads the retention's worth of the topic before it answers; then it goes on
 * reading on a {@link SupervisedThread} ({@code finished}), which starts a new consumer after
 * a failure, from where the failed one was.
 *
 * @author kafka-task
 */
public class FinishedTaskLog implements FinishedTasks, SmartLifecycle {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "finished";

	private static final Log logger = LogFactory.getLog(FinishedTaskLog.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

	private static final Duration FIRST_READ_TIMEOUT = Duration.ofSeconds(10);

	private final KafkaTemplate<String, byte[]> template;

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String topic;

	private final Duration retention;

	private final JsonMapper mapper;

	private final Clock clock;

	private final SupervisedThread thread;

	/**
	 * The ids that succeeded, with when they were recorded.
	 */
	private final Map<String, Long> succeeded = new ConcurrentHashMap<>();

	/**
	 * The same ids in the order they were read, for purging; only the supervised thread uses
	 * it.
	 */
	private final LinkedHashMap<String, Long> byAge = new LinkedHashMap<>();

	/**
	 * Where each partition is read up to; only the supervised thread uses it.
	 */
	private final Map<TopicPartition, Long> positions = new HashMap<>();

	/**
	 * Counted down once the retention's worth of the topic was read.
	 */
	private final CountDownLatch caughtUp = new CountDownLatch(1);

	private @Nullable Map<TopicPartition, Long> firstEnds;

	private volatile @Nullable Consumer<String, byte[]> consumer;

	private volatile boolean running;

	private final AtomicBoolean reading = new AtomicBoolean();

	private long lastPurge;

	/**
	 * Create the log.
	 * @param template writes the ids
	 * @param consumerFactory creates the consumer that reads them (no group)
	 * @param topic the compacted topic of ids
	 * @param retention how long an id is kept
	 * @param mapper writes the records
	 * @param observer told when the consumer fails
	 * @param clock the clock
	 */
	public FinishedTaskLog(KafkaTemplate<String, byte[]> template, ConsumerFactory<String, byte[]> consumerFactory,
			String topic, Duration retention, JsonMapper mapper, TaskObserver observer, Clock clock) {
		this.template = template;
		this.consumerFactory = consumerFactory;
		this.topic = topic;
		this.retention = retention;
		this.mapper = mapper;
		this.clock = clock;
		this.thread = new SupervisedThread(THREAD, "kafka-task-finished", new Loop(), observer);
	}

	public Duration getRetention() {
		return this.retention;
	}

	/**
	 * Return how many ids are kept in memory now.
	 * @return the number of ids
	 */
	public int size() {
		return this.succeeded.size();
	}

	@Override
	public boolean hasSucceeded(String taskId) throws InterruptedException {
		startReading();
		if (!this.caughtUp.await(FIRST_READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
			logger.warn("The ids of finished tasks ('" + this.topic + "') were not read within " + FIRST_READ_TIMEOUT
					+ ": task [" + taskId + "] is taken as not finished");
		}
		return this.succeeded.containsKey(taskId);
	}

	@Override
	public void succeeded(String taskId, String task) {
		startReading();
		long now = this.clock.millis();
		this.succeeded.put(taskId, now);
		byte[] value = this.mapper.writeValueAsBytes(this.mapper.createObjectNode().put("task", task).put("at", now));
		try {
			this.template.send(this.topic, taskId, value).whenComplete((result, failure) -> {
				if (failure != null) {
					logger.warn("Could not record that task '" + task + "' [" + taskId
							+ "] succeeded; a copy of it may run again: " + failure);
				}
			});
		}
		catch (RuntimeException ex) {
			logger.warn("Could not record that task '" + task + "' [" + taskId
					+ "] succeeded; a copy of it may run again: " + ex);
		}
	}

	/**
	 * Start reading the topic with the first tracked task: most applications have none.
	 */
	private void startReading() {
		if (this.running && this.reading.compareAndSet(false, true)) {
			this.thread.start();
		}
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.reading.compareAndSet(true, false)) {
			this.thread.stop(Duration.ofSeconds(10));
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void poll() {
		Consumer<String, byte[]> ids = this.consumer;
		if (ids == null) {
			ids = this.consumerFactory.createConsumer(null, "kafka-task-finished", null);
			this.consumer = ids;
			assign(ids);
		}
		for (ConsumerRecord<String, byte[]> record : ids.poll(POLL_TIMEOUT)) {
			read(record);
			this.positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
		}
		Map<TopicPartition, Long> ends = this.firstEnds;
		if (ends != null && this.caughtUp.getCount() > 0) {
			Consumer<String, byte[]> reader = ids;
			if (ends.entrySet().stream().allMatch((end) -> reader.position(end.getKey()) >= end.getValue())) {
				this.caughtUp.countDown();
				logger.debug("Read " + this.succeeded.size() + " ids of finished tasks from '" + this.topic + "'");
			}
		}
		long now = this.clock.millis();
		if (now - this.lastPurge > 1000) {
			this.lastPurge = now;
			purge(now - this.retention.toMillis());
		}
	}

	private void read(ConsumerRecord<String, byte[]> record) {
		if (record.key() == null) {
			return;
		}
		if (record.value() == null) {
			this.succeeded.remove(record.key());
			this.byAge.remove(record.key());
			return;
		}
		this.succeeded.put(record.key(), record.timestamp());
		this.byAge.remove(record.key());
		this.byAge.put(record.key(), record.timestamp());
	}

	private void purge(long oldest) {
		Iterator<Map.Entry<String, Long>> entries = this.byAge.entrySet().iterator();
		while (entries.hasNext()) {
			Map.Entry<String, Long> entry = entries.next();
			if (entry.getValue() >= oldest) {
				break;
			}
			entries.remove();
			this.succeeded.remove(entry.getKey(), entry.getValue());
		}
	}

	/**
	 * Assign every partition: from where the last consumer was, else from the retention's
	 * start, and note where the first read ends.
	 */
	private void assign(Consumer<String, byte[]> ids) {
		List<TopicPartition> partitions = ids.partitionsFor(this.topic)
			.stream()
			.map((info) -> new TopicPartition(this.topic, info.partition()))
			.toList();
		if (partitions.isEmpty()) {
			throw new IllegalStateException("Topic of finished tasks '" + this.topic + "' has no partitions");
		}
		ids.assign(partitions);
		long since = this.clock.millis() - this.retention.toMillis();
		Map<TopicPartition, Long> times = new HashMap<>();
		partitions.forEach((partition) -> times.put(partition, since));
		Map<TopicPartition, OffsetAndTimestamp> offsets = ids.offsetsForTimes(times);
		for (TopicPartition partition : partitions) {
			Long position = this.positions.get(partition);
			OffsetAndTimestamp offset = offsets.get(partition);
			if (position != null) {
				ids.seek(partition, position);
			}
			else if (offset != null) {
				ids.seek(partition, offset.offset());
			}
			else {
				ids.seekToEnd(List.of(partition));
			}
		}
		if (this.firstEnds == null) {
			this.firstEnds = ids.endOffsets(partitions);
		}
	}

	private void closeConsumer() {
		Consumer<String, byte[]> current = this.consumer;
		this.consumer = null;
		if (current != null) {
			try {
				current.close(CloseOptions.timeout(Duration.ofSeconds(5)));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not close the finished tasks' consumer cleanly", ex);
			}
		}
	}

	private final class Loop implements SupervisedThread.Loop {

		@Override
		public void iterate() {
			poll();
		}

		@Override
		public void recover(Throwable failure) {
			closeConsumer();
		}

		@Override
		public void wakeUp() {
			Consumer<String, byte[]> current = FinishedTaskLog.this.consumer;
			if (current != null) {
				current.wakeup();
			}
		}

		@Override
		public void close() {
			closeConsumer();
		}

	}

}
