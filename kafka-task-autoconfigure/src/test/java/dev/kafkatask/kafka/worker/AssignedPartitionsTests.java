package dev.kafkatask.kafka.worker;

import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AssignedPartitions}.
 *
 * @author kafka-task
 */
class AssignedPartitionsTests {

	private static final TopicPartition A0 = new TopicPartition("a", 0);

	private static final TopicPartition A1 = new TopicPartition("a", 1);

	private static final TopicPartition B0 = new TopicPartition("b", 0);

	private final AssignedPartitions partitions = new AssignedPartitions();

	@Test
	void whenPartitionsAreAssignedThenEachHasAStateInTopicAndPartitionOrder() {
		this.partitions.assigned(List.of(B0, A1, A0));
		this.partitions.paused(List.of(A1));
		this.partitions.committed(Map.of(A0, new OffsetAndMetadata(42)));
		assertThat(this.partitions.states(Map.of(A1, new RecordScheduler.PartitionLoad(3, 7)))).containsExactly(
				new PartitionState(A0, 0, 0, false, 42), new PartitionState(A1, 3, 7, true, -1),
				new PartitionState(B0, 0, 0, false, -1));
	}

	@Test
	void whenPartitionsAreRevokedThenTheirPauseAndCommitAreForgottenAtOnce() {
		this.partitions.assigned(List.of(A0, A1));
		this.partitions.paused(List.of(A0, A1));
		this.partitions.committed(Map.of(A0, new OffsetAndMetadata(5), A1, new OffsetAndMetadata(6)));
		this.partitions.removed(List.of(A0));
		assertThat(this.partitions.assignment()).containsExactly(A1);
		assertThat(this.partitions.states(Map.of())).containsExactly(new PartitionState(A1, 0, 0, true, 6));
		this.partitions.assigned(List.of(A0, A1));
		assertThat(this.partitions.states(Map.of())).first().isEqualTo(new PartitionState(A0, 0, 0, false, -1));
		this.partitions.clear();
		assertThat(this.partitions.states(Map.of())).isEmpty();
	}

}
