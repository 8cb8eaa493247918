package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.mock.MockConsumerFactory;

import dev.kafkatask.monitor.TaskObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link TopicReader} on a {@link MockConsumer}.
 *
 * @author kafka-task
 */
class TopicReaderTests {

	private static final String TOPIC = "tasks.__revoked";

	private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

	private final List<String> read = new CopyOnWriteArrayList<>();

	private TopicReader reader;

	@AfterEach
	void stop() {
		if (this.reader != null) {
			this.reader.stop();
		}
	}

	@Test
	void whenARecordIsWrittenToAnEmptyPartitionWhileTheReaderStartsThenItIsRead() throws Exception {
		this.reader = new TopicReader("test", new MockConsumerFactory<>(RacingConsumer::new), TOPIC,
				Duration.ofHours(1), (record) -> this.read.add(record.key()), () -> {
				}, TaskObserver.NONE, Clock.systemUTC());
		this.reader.start();
		assertThat(this.reader.awaitCaughtUp(Duration.ofSeconds(10))).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.read.contains("written-meanwhile"));
	}

	/**
	 * A consumer of an empty partition in which a record is written right after the reader
	 * asked for the offsets by time (none yet): as a revocation written while a worker's
	 * reader of revocations starts.
	 */
	static final class RacingConsumer extends MockConsumer<String, byte[]> {

		RacingConsumer() {
			super(AutoOffsetResetStrategy.EARLIEST.name());
			updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
			updateBeginningOffsets(Map.of(PARTITION, 0L));
			updateEndOffsets(Map.of(PARTITION, 0L));
		}

		@Override
		public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(
				Map<TopicPartition, Long> timestampsToSearch) {
			updateEndOffsets(Map.of(PARTITION, 1L));
			addRecord(new ConsumerRecord<>(TOPIC, 0, 0, "written-meanwhile", new byte[0]));
			return Map.of();
		}

	}

}
