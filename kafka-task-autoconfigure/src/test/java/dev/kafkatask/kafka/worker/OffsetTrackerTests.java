package dev.kafkatask.kafka.worker;

import java.util.List;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link OffsetTracker}.
 *
 * @author kafka-task
 */
class OffsetTrackerTests {

	private final TopicPartition partition = new TopicPartition("tasks.default", 0);

	private final OffsetTracker tracker = new OffsetTracker();

	@Test
	void whenEarlierRecordIsUnfinishedThenCommitStopsAtIt() {
		OffsetTracker.Ticket first = this.tracker.received(this.partition, 10);
		OffsetTracker.Ticket second = this.tracker.received(this.partition, 11);
		second.finished();
		assertThat(this.tracker.committable().get(this.partition).offset()).isEqualTo(10);
		first.finished();
		assertThat(this.tracker.committable().get(this.partition).offset()).isEqualTo(12);
	}

	@Test
	void whenOffsetWasCommittedThenItIsNotOfferedAgain() {
		this.tracker.received(this.partition, 0).finished();
		this.tracker.committed(this.tracker.committable());
		assertThat(this.tracker.committable()).isEmpty();
	}

	@Test
	void whenPartitionIsReassignedThenTicketOfEarlierAssignmentHasNoEffect() {
		OffsetTracker.Ticket stale = this.tracker.received(this.partition, 5);
		this.tracker.forget(List.of(this.partition));
		this.tracker.received(this.partition, 5);
		stale.finished();
		assertThat(this.tracker.unfinished(this.partition)).isEqualTo(1);
		assertThat(this.tracker.committable().get(this.partition).offset()).isEqualTo(5);
	}

}
