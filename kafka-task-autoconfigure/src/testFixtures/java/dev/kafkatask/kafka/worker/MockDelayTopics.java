package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockConsumerFactory;
import org.springframework.kafka.mock.MockProducerFactory;

import dev.kafkatask.kafka.DelayedTaskPublisher;

/**
 * Delay topics in memory for tests of the delay forwarder: a log of records per partition and
 * the group's committed offsets, shared by every {@link MockConsumer} the forwarder creates
 * (a new consumer starts from the committed offsets, as on a broker), and a
 * {@link MockProducer} behind a {@link KafkaTemplate} that records what was written. Commits
 * and sends can be made to fail.
 *
 * @author kafka-task
 */
public final class MockDelayTopics {

	private final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> log = new ConcurrentHashMap<>();

	private final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();

	private final List<LogConsumer> consumers = new CopyOnWriteArrayList<>();

	private final AtomicInteger commitFailures = new AtomicInteger();

	private final AtomicInteger sendFailures = new AtomicInteger();

	private final Map<String, AtomicInteger> asyncSendFailures = new ConcurrentHashMap<>();

	private final FailingProducer producer = new FailingProducer();

	private final List<Integer> writtenAtCommits = new CopyOnWriteArrayList<>();

	/**
	 * Append a delayed record to a delay topic's partition.
	 * @param partition the partition
	 * @param due its {@code kafka-task-due} header, or {@code null} for none
	 * @param target its {@code kafka-task-target} header, or {@code null} for none
	 * @param taskName its {@code kafka-task-name} header, or {@code null} for none
	 * @return its offset
	 */
	public long append(TopicPartition partition, @Nullable String due, @Nullable String target,
			@Nullable String taskName) {
		return append(partition, due, target, taskName, null);
	}

	/**
	 * Append a delayed record of a task known by its id to a delay topic's partition.
	 * @param partition the partition
	 * @param due its {@code kafka-task-due} header, or {@code null} for none
	 * @param target its {@code kafka-task-target} header, or {@code null} for none
	 * @param taskName its {@code kafka-task-name} header, or {@code null} for none
	 * @param taskId its {@code kafka-task-id} header, or {@code null} for none
	 * @return its offset
	 */
	public long append(TopicPartition partition, @Nullable String due, @Nullable String target,
			@Nullable String taskName, @Nullable String taskId) {
		RecordHeaders headers = new RecordHeaders();
		if (taskId != null) {
			headers.add("kafka-task-id", taskId.getBytes(StandardCharsets.UTF_8));
		}
		if (due != null) {
			headers.add(DelayedTaskPublisher.DUE, due.getBytes(StandardCharsets.UTF_8));
		}
		if (target != null) {
			headers.add(DelayedTaskPublisher.TARGET, target.getBytes(StandardCharsets.UTF_8));
		}
		if (taskName != null) {
			headers.add("kafka-task-name", taskName.getBytes(StandardCharsets.UTF_8));
		}
		List<ConsumerRecord<String, byte[]>> records = this.log.computeIfAbsent(partition,
				(key) -> new CopyOnWriteArrayList<>());
		synchronized (records) {
			long offset = records.size();
			records.add(new ConsumerRecord<>(partition.topic(), partition.partition(), offset,
					System.currentTimeMillis() - 60_000, TimestampType.CREATE_TIME, 0, 0, "key-" + offset,
					("value-" + offset).getBytes(StandardCharsets.UTF_8), headers, Optional.empty()));
			return offset;
		}
	}

	/**
	 * Make the next commits fail.
	 * @param count how many
	 */
	public void failCommits(int count) {
		this.commitFailures.set(count);
	}

	/**
	 * Make the next sends throw at once, whatever their topic.
	 * @param count how many
	 */
	public void failSendsSynchronously(int count) {
		this.sendFailures.set(count);
	}

	/**
	 * Make the next sends to a topic fail once they were sent (the acknowledgement fails).
	 * @param topic the topic
	 * @param count how many
	 */
	public void failSendsTo(String topic, int count) {
		this.asyncSendFailures.computeIfAbsent(topic, (key) -> new AtomicInteger()).set(count);
	}

	/**
	 * Return the group's committed offset of a partition.
	 * @param partition the partition
	 * @return the next offset to read, or {@code -1} before any commit
	 */
	public long committed(TopicPartition partition) {
		return this.committed.getOrDefault(partition, -1L);
	}

	/**
	 * Return the records written (and acknowledged) to a topic.
	 * @param topic the topic
	 * @return the records, in the order written
	 */
	public List<ProducerRecord<String, byte[]>> written(String topic) {
		return this.producer.acknowledged.stream().filter((record) -> record.topic().equals(topic)).toList();
	}

	/**
	 * Return every record written (and acknowledged).
	 * @return the records, in the order written
	 */
	public List<ProducerRecord<String, byte[]>> written() {
		return List.copyOf(this.producer.acknowledged);
	}

	/**
	 * Return, for each successful commit in turn, how many records had been written then.
	 * @return the counts
	 */
	public List<Integer> writtenAtCommits() {
		return List.copyOf(this.writtenAtCommits);
	}

	/**
	 * Return how many consumers were created.
	 * @return the count
	 */
	public int consumersCreated() {
		return this.consumers.size();
	}

	/**
	 * Return how many of the created consumers were closed.
	 * @return the count
	 */
	public long consumersClosed() {
		return this.consumers.stream().filter(MockConsumer::closed).count();
	}

	/**
	 * Return a consumer factory whose consumers read this log.
	 * @return the factory
	 */
	public ConsumerFactory<String, byte[]> consumerFactory() {
		return new MockConsumerFactory<>(() -> {
			LogConsumer consumer = new LogConsumer();
			this.consumers.add(consumer);
			return consumer;
		});
	}

	/**
	 * Return a template that writes with this fixture's producer.
	 * @return the template
	 */
	public KafkaTemplate<String, byte[]> template() {
		return new KafkaTemplate<>(new MockProducerFactory<>(() -> this.producer));
	}

	private static boolean take(AtomicInteger failures) {
		return failures.getAndUpdate((left) -> Math.max(0, left - 1)) > 0;
	}

	/**
	 * A consumer of the log: assigned every partition of its subscription on its first poll,
	 * from the group's committed offsets, and fed the log's records from its position.
	 */
	private final class LogConsumer extends MockConsumer<String, byte[]> {

		private final Map<TopicPartition, Long> fed = new ConcurrentHashMap<>();

		LogConsumer() {
			super("earliest");
		}

		@Override
		public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
			if (assignment().isEmpty() && !subscription().isEmpty()) {
				List<TopicPartition> partitions = MockDelayTopics.this.log.keySet()
					.stream()
					.filter((partition) -> subscription().contains(partition.topic()))
					.toList();
				rebalance(partitions);
				partitions.forEach((partition) -> {
					long start = Math.max(0, MockDelayTopics.this.committed(partition));
					updateBeginningOffsets(Map.of(partition, 0L));
					seek(partition, start);
				});
			}
			for (TopicPartition partition : assignment()) {
				List<ConsumerRecord<String, byte[]>> records = MockDelayTopics.this.log.getOrDefault(partition,
						List.of());
				long from = this.fed.getOrDefault(partition, 0L);
				for (ConsumerRecord<String, byte[]> record : records) {
					if (record.offset() >= from) {
						addRecord(record);
					}
				}
				this.fed.put(partition, (long) records.size());
			}
			ConsumerRecords<String, byte[]> records = super.poll(timeout);
			if (records.isEmpty()) {
				try {
					// a broker's poll waits for records; this one returns at once
					wait(Math.min(timeout.toMillis(), 20));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			return records;
		}

		@Override
		public synchronized void seek(TopicPartition partition, long offset) {
			super.seek(partition, offset);
			this.fed.merge(partition, offset, Math::min);
		}

		@Override
		public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
			if (take(MockDelayTopics.this.commitFailures)) {
				throw new KafkaException("Commit failed on purpose");
			}
			super.commitSync(offsets);
			MockDelayTopics.this.writtenAtCommits.add(MockDelayTopics.this.producer.acknowledged.size());
			offsets.forEach((partition, offset) -> MockDelayTopics.this.committed.put(partition, offset.offset()));
		}

		@Override
		public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
			commitSync(offsets);
		}

	}

	/**
	 * A producer that acknowledges at once, unless told to fail.
	 */
	private final class FailingProducer extends MockProducer<String, byte[]> {

		private final List<ProducerRecord<String, byte[]>> acknowledged = new CopyOnWriteArrayList<>();

		FailingProducer() {
			super(false, null, new StringSerializer(), new ByteArraySerializer());
		}

		@Override
		public synchronized java.util.concurrent.Future<RecordMetadata> send(ProducerRecord<String, byte[]> record,
				Callback callback) {
			if (take(MockDelayTopics.this.sendFailures)) {
				throw new KafkaException("Send failed on purpose");
			}
			java.util.concurrent.Future<RecordMetadata> sent = super.send(record, callback);
			AtomicInteger failures = MockDelayTopics.this.asyncSendFailures.get(record.topic());
			if (failures != null && take(failures)) {
				errorNext(new KafkaException("Acknowledgement failed on purpose"));
			}
			else {
				this.acknowledged.add(record);
				completeNext();
			}
			return sent;
		}

		@Override
		public void close(Duration timeout) {
			// shared by every template of the test
		}

		@Override
		public void close() {
		}

	}

	/**
	 * Return the partitions of the log.
	 * @return the partitions
	 */
	public Collection<TopicPartition> partitions() {
		return new ArrayList<>(this.log.keySet());
	}

}
