package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.internals.AutoOffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.monitor.TaskObserver;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerRebalanceListener}, against Kafka's {@link MockConsumer}.
 *
 * @author kafka-task
 */
class WorkerRebalanceListenerTests {

	private final MockConsumer<String, byte[]> consumer = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name());

	private final TopicStates topicStates = new TopicStates(List.of("paused", "running"));

	private final OffsetTracker offsets = new OffsetTracker();

	private final AssignedPartitions partitions = new AssignedPartitions();

	private final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();

	private final RecordScheduler scheduler = new RecordScheduler(10, 10, 10, (topic) -> OrderingMode.UNORDERED,
			(record, ticket, release) -> release.run(), () -> {
			});

	private final WorkerRebalanceListener listener = new WorkerRebalanceListener(WorkerSettings.of("group"),
			this.consumer, this.scheduler, this.offsets, this.partitions, TaskObserver.NONE, this.commits::add,
			this.topicStates, "default");

	@Test
	void whenAPartitionOfAPausedQueueIsAssignedThenItIsPausedBeforeAnyPoll() {
		this.topicStates.set("paused", ConsumerState.PAUSED);
		TopicPartition paused = new TopicPartition("paused", 0);
		TopicPartition running = new TopicPartition("running", 0);
		this.consumer.assign(List.of(paused, running));
		this.listener.onPartitionsAssigned(List.of(paused, running));
		assertThat(this.consumer.paused()).containsExactly(paused);
		assertThat(this.partitions.states(Map.of())).filteredOn(PartitionState::paused)
			.extracting(PartitionState::partition)
			.containsExactly(paused);
	}

	@Test
	void whenPartitionsAreRevokedThenTheirFinishedRecordsAreCommittedAndForgotten() {
		TopicPartition partition = new TopicPartition("running", 0);
		this.consumer.assign(List.of(partition));
		this.listener.onPartitionsAssigned(List.of(partition));
		OffsetTracker.Ticket first = this.offsets.received(partition, 0);
		this.offsets.received(partition, 1);
		first.finished();
		this.listener.onPartitionsRevoked(List.of(partition));
		assertThat(this.commits).singleElement()
			.satisfies((commit) -> assertThat(commit.get(partition).offset()).isEqualTo(1));
		assertThat(this.partitions.assignment()).isEmpty();
		assertThat(this.offsets.unfinished(partition)).isZero();
	}

	@Test
	void whenReadingTheCommitMetadataIsWokenUpThenItIsReadAgainAndFinishedRecordsDoNotRunAgain() {
		TopicPartition partition = new TopicPartition("running", 0);
		AtomicInteger wakeUps = new AtomicInteger(2);
		MockConsumer<String, byte[]> wokenUp = new MockConsumer<>(AutoOffsetResetStrategy.EARLIEST.name()) {

			@Override
			public synchronized Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions,
					Duration timeout) {
				// tasks finishing on other threads wake the consumer up, as they do in a worker
				if (wakeUps.getAndDecrement() > 0) {
					throw new WakeupException();
				}
				return super.committed(partitions, timeout);
			}

		};
		wokenUp.assign(List.of(partition));
		String finishedAbove = CommitMetadata.encode(5, new TreeSet<>(Set.of(7L, 8L)));
		wokenUp.commitSync(Map.of(partition, new OffsetAndMetadata(5, finishedAbove)));
		WorkerRebalanceListener listener = new WorkerRebalanceListener(WorkerSettings.of("group"), wokenUp,
				this.scheduler, this.offsets, this.partitions, TaskObserver.NONE, this.commits::add, this.topicStates,
				"default");
		listener.onPartitionsAssigned(List.of(partition));
		assertThat(wakeUps.get()).isNegative();
		assertThat(this.offsets.received(partition, 6)).isNotNull();
		assertThat(this.offsets.received(partition, 7)).as("finished before the rebalance").isNull();
		assertThat(this.offsets.received(partition, 8)).as("finished before the rebalance").isNull();
	}

}
