package dev.kafkatask.kafka.deadletter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TopicScan} against Kafka's {@link MockConsumer}.
 *
 * @author kafka-task
 */
class TopicScanTests {

	private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");

	private final TopicPartition partition = new TopicPartition("t.dlt", 0);

	TopicScanTests() {
		Node node = new Node(0, "localhost", 9092);
		this.consumer.updatePartitions("t.dlt",
				List.of(new PartitionInfo("t.dlt", 0, node, new Node[] { node }, new Node[] { node })));
		this.consumer.updateBeginningOffsets(Map.of(this.partition, 0L));
		this.consumer.updateEndOffsets(Map.of(this.partition, 3L));
		this.consumer.schedulePollTask(() -> {
			for (int offset = 0; offset < 5; offset++) {
				// records beyond the end the scan began with are not read
				this.consumer.addRecord(new ConsumerRecord<>("t.dlt", 0, offset, "k" + offset, new byte[] { 1 }));
			}
		});
	}

	@Test
	void whenTopicIsScannedThenItIsReadUpToTheEndItHadWhenTheScanBegan() {
		List<Long> offsets = new ArrayList<>();
		TopicScan.Outcome outcome = TopicScan.scan(this.consumer, List.of("t.dlt", "absent.dlt"), null, 100,
				Duration.ofSeconds(5), (record) -> offsets.add(record.offset()));
		assertThat(offsets).containsExactly(0L, 1L, 2L);
		assertThat(outcome).isEqualTo(new TopicScan.Outcome(3, true));
	}

	@Test
	void whenScanReachesItsBoundThenItStopsIncomplete() {
		List<Long> offsets = new ArrayList<>();
		TopicScan.Outcome outcome = TopicScan.scan(this.consumer, List.of("t.dlt"), null, 2, Duration.ofSeconds(5),
				(record) -> offsets.add(record.offset()));
		assertThat(offsets).containsExactly(0L, 1L);
		assertThat(outcome).isEqualTo(new TopicScan.Outcome(2, false));
	}

	@Test
	void whenVisitorStopsThenScanIsIncomplete() {
		TopicScan.Outcome outcome = TopicScan.scan(this.consumer, List.of("t.dlt"), null, 100, Duration.ofSeconds(5),
				(record) -> false);
		assertThat(outcome).isEqualTo(new TopicScan.Outcome(1, false));
	}

	@Test
	void whenTopicIsEmptyThenNothingIsPolled() {
		this.consumer.updateEndOffsets(new HashMap<>(Map.of(this.partition, 0L)));
		TopicScan.Outcome outcome = TopicScan.scan(this.consumer, List.of("t.dlt"), null, 100, Duration.ofSeconds(5),
				(record) -> true);
		assertThat(outcome).isEqualTo(new TopicScan.Outcome(0, true));
	}

}
