package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;

import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Reads the reply topic of one Kafka cluster for a {@link ReplyListener}: every partition,
 * without a consumer group, on a {@link SupervisedThread} ({@value ReplyListener#THREAD})
 * started by the first task written to that cluster whose result is expected.
 * <p>
 * It reads from the results of the earliest task it was {@link #readSince told about}: the
 * first offset whose timestamp is at or after that time, less {@link #REWIND} for the clocks
 * of workers that run behind, and from the end where no such offset is yet. A result written
 * while the reader started is therefore read, however late the dispatcher learnt where its
 * task went. A failed consumer is replaced by one that goes on from where it was.
 *
 * @author kafka-task
 */
class ReplyReader {

	/**
	 * How far before a task's dispatch its result is looked for: the most that a worker's
	 * clock may run behind the dispatcher's.
	 */
	static final Duration REWIND = Duration.ofMinutes(1);

	private static final Log logger = LogFactory.getLog(ReplyReader.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final String cluster;

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String replyTopic;

	private final Consumer<ConsumerRecord<String, byte[]>> results;

	private final SupervisedThread thread;

	private final AtomicBoolean started = new AtomicBoolean();

	/**
	 * The earliest dispatch whose result must be read.
	 */
	private final AtomicReference<@Nullable Instant> since = new AtomicReference<>();

	/**
	 * What the reading positions cover: results of tasks dispatched since then. Only the
	 * supervised thread uses it, and the positions.
	 */
	private @Nullable Instant covered;

	private final Map<TopicPartition, Long> positions = new HashMap<>();

	private volatile org.apache.kafka.clients.consumer.@Nullable Consumer<String, byte[]> consumer;

	/**
	 * Create a reader.
	 * @param cluster the cluster's name, for its thread and logs
	 * @param consumerFactory creates consumers of that cluster
	 * @param replyTopic the reply topic
	 * @param results given each record read
	 * @param observer told when its consumer fails
	 */
	ReplyReader(String cluster, ConsumerFactory<String, byte[]> consumerFactory, String replyTopic,
			Consumer<ConsumerRecord<String, byte[]>> results, TaskObserver observer) {
		this.cluster = cluster;
		this.consumerFactory = consumerFactory;
		this.replyTopic = replyTopic;
		this.results = results;
		this.thread = new SupervisedThread(ReplyListener.THREAD, "kafka-task-replies-" + cluster, new Loop(), observer);
	}

	/**
	 * Read the results of tasks dispatched since the given time, starting the reader if it
	 * is not yet.
	 * @param dispatched when the task was dispatched (its result expected)
	 */
	void readSince(Instant dispatched) {
		this.since.accumulateAndGet(dispatched,
				(current, given) -> (current == null || given.isBefore(current)) ? given : current);
		if (this.started.compareAndSet(false, true)) {
			this.thread.start();
		}
	}

	/**
	 * Return whether it reads.
	 * @return whether it was started and not stopped since
	 */
	boolean isStarted() {
		return this.started.get();
	}

	/**
	 * Stop reading; the next {@link #readSince} starts it again, from where it was.
	 */
	void stop() {
		if (this.started.compareAndSet(true, false)) {
			this.thread.stop(Duration.ofSeconds(10));
		}
	}

	private void poll() {
		org.apache.kafka.clients.consumer.Consumer<String, byte[]> replies = this.consumer;
		if (replies == null) {
			replies = this.consumerFactory.createConsumer(null, "kafka-task-replies-" + this.cluster, null);
			this.consumer = replies;
			assign(replies);
		}
		Instant wanted = this.since.get();
		if (wanted != null && (this.covered == null || wanted.isBefore(this.covered))) {
			rewind(replies, wanted);
		}
		ConsumerRecords<String, byte[]> records = replies.poll(POLL_TIMEOUT);
		records.forEach(this.results);
		for (TopicPartition partition : records.partitions()) {
			List<ConsumerRecord<String, byte[]>> read = records.records(partition);
			this.positions.put(partition, read.get(read.size() - 1).offset() + 1);
		}
	}

	/**
	 * Assign every partition of the reply topic, each from where the last consumer was.
	 */
	private void assign(org.apache.kafka.clients.consumer.Consumer<String, byte[]> replies) {
		List<TopicPartition> partitions = replies.partitionsFor(this.replyTopic)
			.stream()
			.map((info) -> new TopicPartition(this.replyTopic, info.partition()))
			.toList();
		if (partitions.isEmpty()) {
			throw new IllegalStateException(
					"Reply topic '" + this.replyTopic + "' has no partitions on Kafka cluster '" + this.cluster + "'");
		}
		replies.assign(partitions);
		this.positions.forEach(replies::seek);
	}

	/**
	 * Move back to the first result written since the given time, on every partition where
	 * that lies before the position; a partition read from nowhere yet starts at its end
	 * (as it was before the times were asked for) when nothing was written since.
	 */
	private void rewind(org.apache.kafka.clients.consumer.Consumer<String, byte[]> replies, Instant dispatched) {
		List<TopicPartition> partitions = List.copyOf(replies.assignment());
		Map<TopicPartition, Long> ends = replies.endOffsets(partitions);
		long from = dispatched.minus(REWIND).toEpochMilli();
		Map<TopicPartition, @Nullable OffsetAndTimestamp> offsets = replies.offsetsForTimes(
				partitions.stream().collect(Collectors.toMap((partition) -> partition, (partition) -> from)));
		for (TopicPartition partition : partitions) {
			OffsetAndTimestamp found = offsets.get(partition);
			long target = (found != null) ? found.offset() : ends.getOrDefault(partition, 0L);
			Long position = this.positions.get(partition);
			if (position == null || target < position) {
				replies.seek(partition, target);
				this.positions.put(partition, target);
			}
		}
		this.covered = dispatched;
		logger.debug("Reading results on Kafka cluster '" + this.cluster + "' of tasks dispatched since " + dispatched);
	}

	private void closeConsumer() {
		org.apache.kafka.clients.consumer.Consumer<String, byte[]> current = this.consumer;
		this.consumer = null;
		if (current != null) {
			try {
				current.close(CloseOptions.timeout(CLOSE_TIMEOUT));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not close the consumer of results on Kafka cluster '" + this.cluster + "' cleanly",
						ex);
			}
		}
	}

	/**
	 * The reader's work on its supervised thread: poll; after a failure, a new consumer.
	 */
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
			org.apache.kafka.clients.consumer.Consumer<String, byte[]> current = ReplyReader.this.consumer;
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
