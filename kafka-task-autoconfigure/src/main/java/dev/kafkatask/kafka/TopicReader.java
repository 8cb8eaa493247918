package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;

import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Reads every partition of one topic, without a consumer group, from a while back and then
 * as it grows, handing each record to a callback on a {@link SupervisedThread}: what each
 * instance of kafka-task does with a topic that all instances must know (tracked task ids,
 * task events). It starts with {@link #start()}; {@link #awaitCaughtUp} waits until it has
 * read as far as the topic went when it started. After a failure a new consumer goes on from
 * where the failed one was.
 *
 * @author kafka-task
 */
public final class TopicReader {

	private static final Log logger = LogFactory.getLog(TopicReader.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String topic;

	private final Duration readBack;

	private final Consumer<ConsumerRecord<String, byte[]>> handler;

	private final Runnable afterPoll;

	private final Clock clock;

	private final SupervisedThread thread;

	private final Map<TopicPartition, Long> positions = new HashMap<>();

	private final CountDownLatch caughtUp = new CountDownLatch(1);

	private final AtomicBoolean started = new AtomicBoolean();

	private volatile boolean gaveUpWaiting;

	private @Nullable Map<TopicPartition, Long> firstEnds;

	private volatile org.apache.kafka.clients.consumer.@Nullable Consumer<String, byte[]> consumer;

	/**
	 * Create a reader.
	 * @param name the name of its thread in {@code kafka.task.background.failures}
	 * @param consumerFactory creates its consumer (no group)
	 * @param topic the topic
	 * @param readBack how far back to start
	 * @param handler takes each record, on the reader's thread
	 * @param afterPoll runs after each poll, on the reader's thread (purging, for one)
	 * @param observer told when the consumer fails
	 * @param clock the clock
	 */
	public TopicReader(String name, ConsumerFactory<String, byte[]> consumerFactory, String topic, Duration readBack,
			Consumer<ConsumerRecord<String, byte[]>> handler, Runnable afterPoll, TaskObserver observer, Clock clock) {
		this(name, "kafka-task-" + name, consumerFactory, topic, readBack, handler, afterPoll, observer, clock);
	}

	/**
	 * Create a reader whose platform thread has a name of its own, for readers of the same
	 * kind (one per Kafka cluster).
	 * @param name the name of its thread in {@code kafka.task.background.failures}
	 * @param threadName the name of its platform thread
	 * @param consumerFactory creates its consumer (no group)
	 * @param topic the topic
	 * @param readBack how far back to start
	 * @param handler takes each record, on the reader's thread
	 * @param afterPoll runs after each poll, on the reader's thread (purging, for one)
	 * @param observer told when the consumer fails
	 * @param clock the clock
	 */
	public TopicReader(String name, String threadName, ConsumerFactory<String, byte[]> consumerFactory, String topic,
			Duration readBack, Consumer<ConsumerRecord<String, byte[]>> handler, Runnable afterPoll,
			TaskObserver observer, Clock clock) {
		this.consumerFactory = consumerFactory;
		this.topic = topic;
		this.readBack = readBack;
		this.handler = handler;
		this.afterPoll = afterPoll;
		this.clock = clock;
		this.thread = new SupervisedThread(name, threadName, new Loop(), observer);
	}

	/**
	 * Start reading, unless started.
	 */
	public void start() {
		if (this.started.compareAndSet(false, true)) {
			this.thread.start();
		}
	}

	/**
	 * Stop reading, if started.
	 */
	public void stop() {
		if (this.started.compareAndSet(true, false)) {
			this.thread.stop(Duration.ofSeconds(10));
		}
	}

	/**
	 * Wait until the reader has read as far as the topic went when it started.
	 * @param timeout how long to wait
	 * @return whether it has
	 * @throws InterruptedException if interrupted
	 */
	public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
		return this.caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Wait until the reader has read as far as the topic went when it started, unless a wait
	 * for that timed out before: readers of ids every task checks wait once, not per task,
	 * for a topic that cannot be read.
	 * @param timeout how long to wait
	 * @return whether it has read that far; {@code false} at once after a wait timed out
	 * @throws InterruptedException if interrupted
	 */
	public boolean awaitCaughtUpOnce(Duration timeout) throws InterruptedException {
		if (this.caughtUp.getCount() == 0) {
			return true;
		}
		if (this.gaveUpWaiting) {
			return false;
		}
		boolean read = awaitCaughtUp(timeout);
		if (!read) {
			this.gaveUpWaiting = true;
		}
		return read;
	}

	/**
	 * Return the status of the reader's thread.
	 * @return the status
	 */
	public SupervisedThread.Status status() {
		return this.thread.status();
	}

	private void poll() {
		var reader = this.consumer;
		if (reader == null) {
			reader = this.consumerFactory.createConsumer(null, "kafka-task-reader", null);
			this.consumer = reader;
			assign(reader);
		}
		for (ConsumerRecord<String, byte[]> record : reader.poll(POLL_TIMEOUT)) {
			this.handler.accept(record);
			this.positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
		}
		Map<TopicPartition, Long> ends = this.firstEnds;
		if (ends != null && this.caughtUp.getCount() > 0) {
			var current = reader;
			if (ends.entrySet().stream().allMatch((end) -> current.position(end.getKey()) >= end.getValue())) {
				this.caughtUp.countDown();
			}
		}
		this.afterPoll.run();
	}

	/**
	 * Assign every partition: from where the last consumer was, else from the read-back's
	 * start, and note where the first read ends.
	 */
	private void assign(org.apache.kafka.clients.consumer.Consumer<String, byte[]> reader) {
		List<TopicPartition> partitions = reader.partitionsFor(this.topic)
			.stream()
			.map((info) -> new TopicPartition(this.topic, info.partition()))
			.toList();
		if (partitions.isEmpty()) {
			throw new IllegalStateException("Topic '" + this.topic + "' has no partitions");
		}
		reader.assign(partitions);
		// The ends before the times: a partition with no record since the read-back's start
		// is read from where it ended then, so a record written meanwhile is read. (A seek to
		// the end is resolved later, at the first poll, and skipped such a record: a revocation
		// written while the reader started was never seen.)
		Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
		long since = this.clock.millis() - this.readBack.toMillis();
		Map<TopicPartition, Long> times = new HashMap<>();
		partitions.forEach((partition) -> times.put(partition, since));
		Map<TopicPartition, OffsetAndTimestamp> offsets = reader.offsetsForTimes(times);
		for (TopicPartition partition : partitions) {
			Long position = this.positions.get(partition);
			OffsetAndTimestamp offset = offsets.get(partition);
			if (position != null) {
				reader.seek(partition, position);
			}
			else if (offset != null) {
				reader.seek(partition, offset.offset());
			}
			else {
				reader.seek(partition, ends.get(partition));
			}
		}
		if (this.firstEnds == null) {
			this.firstEnds = ends;
		}
	}

	private void closeConsumer() {
		var current = this.consumer;
		this.consumer = null;
		if (current != null) {
			try {
				current.close(CloseOptions.timeout(Duration.ofSeconds(5)));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not close the reader of '" + this.topic + "' cleanly", ex);
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
			var current = TopicReader.this.consumer;
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
