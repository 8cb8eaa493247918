package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.monitor.TaskObserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link PollLoop}, the consumer thread of a worker, against Kafka's
 * {@code MockConsumer} ({@link MockWorkerConsumer}) and a handler whose records settle when
 * the test says so ({@link ScriptedRecordHandler}): what reaches the handler, what is
 * committed, when partitions are paused and resumed, and how the loop ends.
 *
 * @author kafka-task
 */
class PollLoopTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String TOPIC = "tasks.default";

	private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

	private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

	private final MockWorkerConsumer consumer = new MockWorkerConsumer();

	private final TopicStates topicStates = new TopicStates(List.of(TOPIC));

	private ScriptedRecordHandler handler = new ScriptedRecordHandler(false);

	private PollLoop loop;

	@AfterEach
	void stopLoop() throws InterruptedException {
		if (this.loop != null) {
			this.loop.requestStop();
			this.handler.settle(this.handler.handed().toArray(String[]::new));
			assertThat(this.loop.awaitStopped(TIMEOUT)).isTrue();
		}
	}

	@Test
	void whenRecordsArePolledThenEachIsHandedOnceAndAllAreCommitted() {
		this.handler = new ScriptedRecordHandler(true);
		start(settings(256, 1000, OrderingMode.UNORDERED, Duration.ofSeconds(30)));
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(MockWorkerConsumer.records(P0, "a", "b", "c", "d", "e"));
		await().atMost(TIMEOUT).until(() -> committedOffset(P0) == 5);
		assertThat(this.handler.handed()).containsExactlyInAnyOrder(ids(P0, 0, 1, 2, 3, 4));
	}

	@Test
	void whenCommitCountRecordsFinishedThenTheyAreCommittedWithoutWaitingForTheInterval() {
		// An interval of an hour: only the count can bring the commit.
		start(new WorkerSettings("poll-loop-test", 256, Integer.MAX_VALUE, 1000, Map.of(), OrderingMode.UNORDERED,
				Duration.ofMillis(100), Duration.ofHours(1), 3, true, Duration.ofSeconds(10), Duration.ofSeconds(30)));
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(MockWorkerConsumer.records(P0, "a", "b", "c", "d", "e"));
		await().atMost(TIMEOUT).until(() -> this.handler.handed().size() == 5);
		this.handler.settle(id(P0, 0), id(P0, 1));
		this.handler.settle(id(P0, 2));
		await().atMost(TIMEOUT).until(() -> committedOffset(P0) == 3);
		// one commit, when the third finished: none for the first two
		assertThat(this.consumer.commits()).singleElement()
			.satisfies((commit) -> assertThat(commit.get(P0).offset()).isEqualTo(3));
	}

	@Test
	void whenARecordIsUnfinishedThenCommitsStopAtItAndNameTheFinishedRecordsAbove() {
		start(settings(256, 1000, OrderingMode.UNORDERED, Duration.ofSeconds(30)));
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(MockWorkerConsumer.records(P0, "a", "b", "c", "d", "e"));
		await().atMost(TIMEOUT).until(() -> this.handler.handed().size() == 5);
		this.handler.settle(id(P0, 0), id(P0, 1), id(P0, 3), id(P0, 4));
		await().atMost(TIMEOUT).until(() -> committedOffset(P0) == 2 && finishedAbove(P0).equals(Set.of(3L, 4L)));
		assertThat(this.consumer.commits()).extracting((commit) -> commit.get(P0))
			.allSatisfy((offset) -> assertThat(offset == null || offset.offset() <= 2).isTrue());
		this.handler.settle(id(P0, 2));
		await().atMost(TIMEOUT).until(() -> committedOffset(P0) == 5);
		assertThat(finishedAbove(P0)).isEmpty();
	}

	@Test
	void whenTheWorkerIsFullThenThePartitionIsPausedAndResumedOnceItsRecordsCanStart() {
		start(settings(1, 1000, OrderingMode.UNORDERED, Duration.ofSeconds(30)));
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(MockWorkerConsumer.records(P0, "a", "b", "c"));
		await().atMost(TIMEOUT).until(() -> isPaused(P0) && this.handler.handed().size() == 1);
		assertThat(this.consumer.paused()).containsExactly(P0);
		assertThat(this.loop.partitions()).singleElement().satisfies((state) -> {
			assertThat(state.paused()).isTrue();
			assertThat(state.inFlight()).isEqualTo(1);
			assertThat(state.buffered()).isEqualTo(2);
		});
		assertThat(this.handler.handed()).containsExactly(id(P0, 0));
		this.handler.settle(id(P0, 0));
		await().atMost(TIMEOUT).until(() -> this.handler.handed().size() == 2);
		this.handler.settle(id(P0, 1));
		await().atMost(TIMEOUT).until(() -> this.consumer.paused().isEmpty());
		this.handler.settle(id(P0, 2));
		await().atMost(TIMEOUT).until(() -> committedOffset(P0) == 3);
		assertThat(this.handler.handed()).containsExactly(ids(P0, 0, 1, 2));
		assertThat(this.loop.partitions()).singleElement().satisfies((state) -> assertThat(state.paused()).isFalse());
	}

	@Test
	void whenRecordsOfOneKeyPassTheWaitingLimitThenThePartitionIsPausedAndTheyRunInOrder() {
		start(settings(256, 1, OrderingMode.KEY, Duration.ofSeconds(30)));
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(MockWorkerConsumer.records(P0, "k", "k", "k", "other"));
		await().atMost(TIMEOUT).until(() -> isPaused(P0) && this.handler.handed().size() == 1);
		// record 1 waits beside record 0; record 2 would pass the limit, and record 3 is behind it
		assertThat(this.handler.handed()).containsExactly(id(P0, 0));
		assertThat(this.loop.waiting()).isEqualTo(3);
		this.handler.settle(id(P0, 0));
		await().atMost(TIMEOUT).until(() -> this.consumer.paused().isEmpty());
		await().atMost(TIMEOUT).until(() -> this.handler.handed().size() == 3);
		assertThat(this.handler.handed()).containsExactlyInAnyOrder(ids(P0, 0, 1, 3));
		this.handler.settle(id(P0, 1), id(P0, 3));
		await().atMost(TIMEOUT).until(() -> this.handler.handed().size() == 4);
		this.handler.settle(id(P0, 2));
		await().atMost(TIMEOUT).until(() -> committedOffset(P0) == 4);
		assertThat(this.handler.settled()).filteredOn((id) -> !id.equals(id(P0, 3)))
			.as("records of one key, one after another")
			.containsExactly(ids(P0, 0, 1, 2));
	}

	@Test
	void whenAQueueIsPausedThenItsPartitionsArePausedAndNothingOfThemIsHandedUntilItResumes() throws Exception {
		this.topicStates.set(TOPIC, ConsumerState.PAUSED);
		start(settings(256, 1000, OrderingMode.UNORDERED, Duration.ofSeconds(30)));
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(MockWorkerConsumer.records(P0, "a", "b"));
		awaitPollAfterTheScheduledOnes();
		assertThat(this.consumer.paused()).containsExactly(P0);
		assertThat(this.handler.handed()).isEmpty();
		this.topicStates.set(TOPIC, ConsumerState.RUNNING);
		await().atMost(TIMEOUT).until(() -> this.handler.handed().size() == 2);
		assertThat(this.consumer.paused()).isEmpty();
	}

	@Test
	void whenATaskRunsOnPlatformThreadsThenItsRecordIsHandledOnThePoolAndTheOthersOnVirtualThreads() {
		this.handler = new ScriptedRecordHandler(true);
		start(settings(256, 1000, OrderingMode.UNORDERED, Duration.ofSeconds(30)), "cpu.task"::equals);
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(List.of(MockWorkerConsumer.record(P0, 0, "a", "io.task"),
				MockWorkerConsumer.record(P0, 1, "b", "cpu.task")));
		await().atMost(TIMEOUT).until(() -> committedOffset(P0) == 2);
		assertThat(this.handler.onPlatformThreads()).containsExactly(id(P0, 1));
	}

	@Test
	void whenAPartitionIsRevokedThenItsRunningTaskMayFinishAndIsCommittedBeforeItGoes() throws Exception {
		start(settings(256, 1000, OrderingMode.UNORDERED, Duration.ofSeconds(30)));
		this.consumer.assignAtNextPoll(List.of(P0, P1));
		this.consumer.addAtNextPoll(List.of(MockWorkerConsumer.record(P0, 0, "a", "test.task"),
				MockWorkerConsumer.record(P0, 1, "b", "test.task"), MockWorkerConsumer.record(P1, 0, "c", "test.task")));
		await().atMost(TIMEOUT).until(() -> this.handler.handed().size() == 3);
		this.handler.settle(id(P0, 0), id(P1, 0));
		await().atMost(TIMEOUT).until(() -> committedOffset(P0) == 1 && committedOffset(P1) == 1);
		CountDownLatch rebalancing = new CountDownLatch(1);
		this.consumer.schedulePollTask(() -> {
			rebalancing.countDown();
			this.consumer.rebalance(List.of(P1));
		});
		assertThat(rebalancing.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		this.handler.settle(id(P0, 1));
		await().atMost(TIMEOUT).until(() -> this.loop.assignment().equals(Set.of(P1)));
		assertThat(committedOffset(P0)).isEqualTo(2);
		assertThat(this.handler.interrupted()).isEmpty();
	}

	@Test
	void whenStopIsRequestedThenRecordsNotStartedAreDroppedAndTheRunningOneIsCommittedOnceItFinishes()
			throws Exception {
		start(settings(1, 1000, OrderingMode.UNORDERED, Duration.ofSeconds(30)));
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(MockWorkerConsumer.records(P0, "a", "b", "c"));
		await().atMost(TIMEOUT).until(() -> isPaused(P0) && this.handler.handed().size() == 1);
		this.loop.requestStop();
		await().atMost(TIMEOUT).until(() -> this.loop.waiting() == 0);
		assertThat(this.loop.awaitStopped(Duration.ZERO)).as("the running task holds the stop").isFalse();
		this.handler.settle(id(P0, 0));
		assertThat(this.loop.awaitStopped(TIMEOUT)).isTrue();
		assertThat(committedOffset(P0)).isEqualTo(1);
		assertThat(this.handler.handed()).containsExactly(id(P0, 0));
		assertThat(this.handler.interrupted()).isEmpty();
		assertThat(this.consumer.closed()).isTrue();
		assertThat(this.loop.failure()).isNull();
		assertThat(this.loop.isRunning()).isFalse();
	}

	@Test
	void whenATaskOutlivesTheShutdownTimeoutThenWhatFinishedIsCommittedAndItIsInterruptedUncommitted()
			throws Exception {
		start(settings(256, 1000, OrderingMode.UNORDERED, Duration.ZERO));
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(MockWorkerConsumer.records(P0, "a", "b", "c", "d"));
		await().atMost(TIMEOUT).until(() -> this.handler.handed().size() == 4);
		this.handler.settle(id(P0, 0), id(P0, 1), id(P0, 3));
		await().atMost(TIMEOUT).until(() -> this.handler.settled().size() == 3);
		this.loop.requestStop();
		assertThat(this.loop.awaitStopped(TIMEOUT)).isTrue();
		assertThat(committedOffset(P0)).isEqualTo(2);
		assertThat(finishedAbove(P0)).containsExactly(3L);
		await().atMost(TIMEOUT).until(() -> this.handler.interrupted().equals(List.of(id(P0, 2))));
		assertThat(this.consumer.closed()).isTrue();
	}

	@Test
	void whenPollFailsThenTheLoopEndsWithTheFailureAndRunningTasksAreInterruptedUncommitted() throws Exception {
		start(settings(256, 1000, OrderingMode.UNORDERED, Duration.ofSeconds(30)));
		this.consumer.assignAtNextPoll(List.of(P0));
		this.consumer.addAtNextPoll(MockWorkerConsumer.records(P0, "a", "b"));
		await().atMost(TIMEOUT).until(() -> this.handler.handed().size() == 2);
		this.handler.settle(id(P0, 0));
		await().atMost(TIMEOUT).until(() -> committedOffset(P0) == 1);
		KafkaException failure = new KafkaException("broker gone");
		this.consumer.setPollException(failure);
		assertThat(this.loop.awaitStopped(TIMEOUT)).isTrue();
		assertThat(this.loop.failure()).isSameAs(failure);
		assertThat(this.loop.isRunning()).isFalse();
		assertThat(this.consumer.closed()).isTrue();
		await().atMost(TIMEOUT).until(() -> this.handler.interrupted().equals(List.of(id(P0, 1))));
		assertThat(committedOffset(P0)).isEqualTo(1);
		assertThat(this.loop.assignment()).isEmpty();
	}

	private void start(WorkerSettings settings) {
		start(settings, (task) -> false);
	}

	private void start(WorkerSettings settings, Predicate<String> runsOnPlatformThreads) {
		this.loop = new PollLoop(settings, this.consumer, this.topicStates, this.handler,
				Executors.newVirtualThreadPerTaskExecutor(),
				new PlatformThreadPool(1, 1, Thread.ofPlatform().name("poll-loop-test-cpu-", 0).daemon(true).factory()),
				runsOnPlatformThreads, TaskObserver.NONE);
		Thread.ofPlatform().name("poll-loop-test").daemon(true).start(this.loop);
	}

	private static WorkerSettings settings(int maxInFlight, int maxWaitingPerPartition, OrderingMode ordering,
			Duration shutdownTimeout) {
		return new WorkerSettings("poll-loop-test", maxInFlight, Integer.MAX_VALUE, maxWaitingPerPartition, Map.of(),
				ordering, Duration.ofMillis(100), Duration.ofMillis(50), 256, true, Duration.ofSeconds(10),
				shutdownTimeout);
	}

	/**
	 * Wait until the consumer ran every poll task scheduled so far, and the loop handled what
	 * those polls returned.
	 */
	private void awaitPollAfterTheScheduledOnes() throws InterruptedException {
		CountDownLatch polled = new CountDownLatch(1);
		this.consumer.schedulePollTask(polled::countDown);
		assertThat(polled.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
	}

	private boolean isPaused(TopicPartition partition) {
		// the loop publishes a pause once the consumer made it
		return this.loop.partitions()
			.stream()
			.anyMatch((state) -> state.partition().equals(partition) && state.paused());
	}

	private long committedOffset(TopicPartition partition) {
		OffsetAndMetadata committed = this.consumer.lastCommitted(partition);
		return (committed != null) ? committed.offset() : -1;
	}

	private Set<Long> finishedAbove(TopicPartition partition) {
		OffsetAndMetadata committed = this.consumer.lastCommitted(partition);
		return (committed != null) ? CommitMetadata.decode(committed.offset(), committed.metadata()) : Set.of();
	}

	private static String id(TopicPartition partition, long offset) {
		return partition + "@" + offset;
	}

	private static String[] ids(TopicPartition partition, long... offsets) {
		String[] ids = new String[offsets.length];
		for (int i = 0; i < offsets.length; i++) {
			ids[i] = id(partition, offsets[i]);
		}
		return ids;
	}

}
