package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.kafka.TaskHeaders;

/**
 * A {@link MockConsumer} for tests of a worker's poll loop. Partitions are assigned and
 * records added at the start of a later poll, on the polling thread, as a broker's rebalance
 * and fetches arrive; a poll that finds no records waits a little, as a broker's does, so
 * that the loop does not spin; and every offset commit, synchronous or not, is kept in order.
 *
 * @author kafka-task
 */
public final class MockWorkerConsumer extends MockConsumer<String, byte[]> {

	private static final long EMPTY_POLL_WAIT_MILLIS = 10;

	private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();

	public MockWorkerConsumer() {
		super("earliest");
	}

	/**
	 * Assign partitions at the next poll, through the subscription's rebalance listener;
	 * partitions new to this consumer start at offset 0.
	 * @param partitions the partitions assigned from then on
	 */
	public void assignAtNextPoll(Collection<TopicPartition> partitions) {
		List<TopicPartition> assignment = List.copyOf(partitions);
		schedulePollTask(() -> {
			Map<TopicPartition, Long> beginnings = new HashMap<>();
			assignment.forEach((partition) -> beginnings.put(partition, 0L));
			updateBeginningOffsets(beginnings);
			rebalance(assignment);
		});
	}

	/**
	 * Add records at the next poll, which returns those of partitions that are not paused.
	 * @param records the records, of assigned partitions
	 */
	public void addAtNextPoll(List<ConsumerRecord<String, byte[]>> records) {
		List<ConsumerRecord<String, byte[]>> added = List.copyOf(records);
		schedulePollTask(() -> added.forEach(this::addRecord));
	}

	/**
	 * Return every commit so far, oldest first.
	 * @return the committed offsets of each commit
	 */
	public List<Map<TopicPartition, OffsetAndMetadata>> commits() {
		return List.copyOf(this.commits);
	}

	/**
	 * Return the offset last committed for a partition.
	 * @param partition the partition
	 * @return the offset and its metadata, or {@code null} if none was committed
	 */
	public @Nullable OffsetAndMetadata lastCommitted(TopicPartition partition) {
		OffsetAndMetadata last = null;
		for (Map<TopicPartition, OffsetAndMetadata> commit : this.commits) {
			last = commit.getOrDefault(partition, last);
		}
		return last;
	}

	@Override
	public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
		ConsumerRecords<String, byte[]> records = super.poll(timeout);
		if (records.isEmpty()) {
			try {
				// a broker's poll waits for records; a wake-up ends the wait
				wait(Math.max(1, Math.min(timeout.toMillis(), EMPTY_POLL_WAIT_MILLIS)));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return records;
	}

	@Override
	public synchronized void wakeup() {
		super.wakeup();
		notifyAll();
	}

	@Override
	public synchronized void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets,
			@Nullable OffsetCommitCallback callback) {
		// commitSync commits through here too
		super.commitAsync(offsets, callback);
		this.commits.add(Map.copyOf(offsets));
	}

	/**
	 * Return task records of a partition, from offset 0 up.
	 * @param partition the partition
	 * @param keys the key of each record, in offset order
	 * @return the records
	 */
	public static List<ConsumerRecord<String, byte[]>> records(TopicPartition partition, String... keys) {
		List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
		for (int offset = 0; offset < keys.length; offset++) {
			records.add(record(partition, offset, keys[offset], "test.task"));
		}
		return records;
	}

	/**
	 * Return a task record.
	 * @param partition its partition
	 * @param offset its offset
	 * @param key its key
	 * @param taskName its task name header
	 * @return the record
	 */
	public static ConsumerRecord<String, byte[]> record(TopicPartition partition, long offset, String key,
			String taskName) {
		RecordHeaders headers = new RecordHeaders();
		headers.add(TaskHeaders.TASK_NAME, taskName.getBytes(StandardCharsets.UTF_8));
		return new ConsumerRecord<>(partition.topic(), partition.partition(), offset, System.currentTimeMillis(),
				TimestampType.CREATE_TIME, 0, 0, key, ("value-" + offset).getBytes(StandardCharsets.UTF_8), headers,
				Optional.empty());
	}

}
