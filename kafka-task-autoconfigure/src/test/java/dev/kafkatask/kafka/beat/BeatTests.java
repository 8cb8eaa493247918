package dev.kafkatask.kafka.beat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockConsumerFactory;
import org.springframework.kafka.mock.MockProducerFactory;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.schedule.MissedSlots;
import dev.kafkatask.schedule.Schedule;
import dev.kafkatask.schedule.ScheduleTrigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests of {@link Beat} on a {@code MockConsumer} election, with the state topic and the
 * dispatcher in memory.
 *
 * @author kafka-task
 */
class BeatTests {

	private static final Instant T = Instant.parse("2026-12-02T14:00:00Z");

	private static final BeatSettings SETTINGS = BeatSettings.of("workers", "tasks.");

	private static final SessionTimeoutBounds BOUNDS = new SessionTimeoutBounds(Duration.ofSeconds(6),
			Duration.ofMinutes(30), "1");

	private final ElectionConsumer consumer = new ElectionConsumer(1);

	private final MutableClock clock = new MutableClock(T.plusMillis(200));

	private final InMemoryState state = new InMemoryState();

	private final List<String> dispatched = new CopyOnWriteArrayList<>();

	private final AtomicInteger failingDispatches = new AtomicInteger();

	private final Map<String, AtomicInteger> events = new ConcurrentHashMap<>();

	private final List<Throwable> failures = new CopyOnWriteArrayList<>();

	private BeatSettings settings = SETTINGS;

	private BeatGroupView group;

	private Beat beat;

	@AfterEach
	void stop() {
		if (this.beat != null) {
			this.beat.stop();
		}
	}

	@Test
	void whenThisInstanceLeadsThenItReadsTheStateFirstAndFiresEachDueSlotOnceWithItsId() {
		this.state.slots.put("tick", T.minusSeconds(3));
		start(MissedSlots.FIRE_ALL);
		this.consumer.lead();
		await().until(() -> this.dispatched.size() == 3);
		assertThat(this.state.reads).hasValue(1);
		assertThat(this.dispatched).containsExactly("tick@2026-12-02T13:59:58Z", "tick@2026-12-02T13:59:59Z",
				"tick@2026-12-02T14:00:00Z");
		assertThat(this.state.slots).containsEntry("tick", T);
		assertThat(this.beat.isLeader()).isTrue();
		this.clock.set(T.plusMillis(1010));
		await().until(() -> this.dispatched.size() == 4);
		assertThat(this.dispatched).last().isEqualTo("tick@2026-12-02T14:00:01Z");
		assertThat(this.beat.states()).singleElement().satisfies((state) -> {
			assertThat(state.lastFiredSlot()).isEqualTo(T.plusSeconds(1));
			assertThat(state.nextFireTime()).isEqualTo(T.plusSeconds(2));
			assertThat(state.leader()).isTrue();
		});
	}

	@Test
	void whenNothingWasEverFiredThenTheFirstSlotIsTheNextOne() {
		start(MissedSlots.FIRE_ALL);
		this.consumer.lead();
		await().until(() -> this.beat.isLeader());
		this.clock.set(T.plusMillis(900));
		this.clock.set(T.plusMillis(1001));
		await().until(() -> this.dispatched.size() == 1);
		assertThat(this.dispatched).containsExactly("tick@2026-12-02T14:00:01Z");
	}

	@Test
	void whenLeadershipIsRevokedThenNothingMoreFires() {
		this.state.slots.put("tick", T);
		start(MissedSlots.FIRE_ALL);
		this.consumer.lead();
		await().until(() -> this.beat.isLeader());
		this.consumer.revoke();
		await().until(() -> !this.beat.isLeader());
		this.clock.set(T.plusSeconds(5));
		await().during(Duration.ofMillis(300)).until(() -> this.dispatched.isEmpty());
		assertThat(this.beat.states()).singleElement().satisfies((state) -> assertThat(state.leader()).isFalse());
	}

	@Test
	void whenLeadershipComesBackThenTheStateIsReadAgainBeforeFiring() {
		this.state.slots.put("tick", T);
		start(MissedSlots.FIRE_ALL);
		this.consumer.lead();
		await().until(() -> this.beat.isLeader());
		this.consumer.revoke();
		await().until(() -> !this.beat.isLeader());
		// another leader fired up to T+3 meanwhile
		this.state.slots.put("tick", T.plusSeconds(3));
		this.clock.set(T.plusMillis(4100));
		this.consumer.lead();
		await().until(() -> this.dispatched.size() == 1);
		assertThat(this.state.reads).hasValue(2);
		assertThat(this.dispatched).containsExactly("tick@2026-12-02T14:00:04Z");
	}

	@Test
	void whenADispatchFailsThenItIsCountedAndTheSlotIsTriedAgainWithTheSameId() {
		this.state.slots.put("tick", T.minusSeconds(1));
		this.failingDispatches.set(1);
		start(MissedSlots.FIRE_ALL);
		this.consumer.lead();
		await().until(() -> this.dispatched.size() == 2);
		assertThat(this.dispatched).containsExactly("tick@2026-12-02T14:00:00Z", "tick@2026-12-02T14:00:00Z");
		assertThat(this.events).containsKeys("fired:failed", "failure:beat", "fired:fired");
		assertThat(this.state.slots).containsEntry("tick", T);
	}

	@Test
	void whenARecordFailsThenTheSlotIsNotFiredAgainAndItsRecordIsWrittenFirst() {
		this.state.slots.put("tick", T.minusSeconds(1));
		this.state.failingRecords.set(2);
		start(MissedSlots.FIRE_ALL);
		this.consumer.lead();
		await().until(() -> T.equals(this.state.slots.get("tick")));
		assertThat(this.dispatched).containsExactly("tick@2026-12-02T14:00:00Z");
		assertThat(this.events.get("fired:failed")).hasValue(1);
		assertThat(this.events.get("failure:beat")).hasValue(2);
		assertThat(this.state.reads).hasValue(1);
	}

	@Test
	void whenSlotsAreSkippedThenEachIsCounted() {
		this.state.slots.put("tick", T.minusSeconds(10));
		start(MissedSlots.SKIP);
		this.consumer.lead();
		await().until(() -> this.events.containsKey("fired:skipped") && this.events.get("fired:skipped").get() == 9);
		assertThat(this.dispatched).containsExactly("tick@2026-12-02T14:00:00Z");
	}

	@Test
	void whenThisInstanceDoesNotLeadThenItTellsTheLastFiredSlotsItFollowsInTheStateTopic() {
		this.state.slots.put("tick", T);
		start(MissedSlots.FIRE_ALL);
		await().until(() -> this.state.follows.get() > 0);
		assertThat(this.beat.states()).singleElement().satisfies((state) -> {
			assertThat(state.leader()).isFalse();
			assertThat(state.lastFiredSlot()).isEqualTo(T);
		});
		// the leader, another instance, records the next slots
		this.state.slots.put("tick", T.plusSeconds(2));
		await().until(() -> T.plusSeconds(2).equals(this.beat.states().get(0).lastFiredSlot()));
		assertThat(this.beat.isLeader()).isFalse();
		assertThat(this.dispatched).isEmpty();
		assertThat(this.state.reads).as("the state is read to its end only to lead").hasValue(0);
	}

	@Test
	void whenAskedWhoLeadsThenTheGroupCoordinatorsAnswerIsToldWithWhetherItIsThisInstance() {
		BeatGroupView.Member member = new BeatGroupView.Member("1", "kafka-task-beat", "/10.0.0.7");
		this.group = new StubGroupView(null, () -> member);
		start(MissedSlots.FIRE_ALL);
		this.consumer.lead();
		await().until(() -> this.beat.isLeader());
		// MockConsumer's member id is "1"
		assertThat(this.beat.currentLeader(Duration.ofSeconds(1)))
			.isEqualTo(new Beat.Leader("1", "kafka-task-beat", "/10.0.0.7", true));
		this.group = new StubGroupView(null, () -> new BeatGroupView.Member("other", "kafka-task-beat", "/10.0.0.8"));
		this.beat.setGroupView(this.group);
		assertThat(this.beat.currentLeader(Duration.ofSeconds(1))).satisfies((leader) -> {
			assertThat(leader.memberId()).isEqualTo("other");
			assertThat(leader.thisInstance()).isFalse();
		});
		this.beat.setGroupView(new StubGroupView(null, () -> {
			throw new org.apache.kafka.common.errors.TimeoutException("no broker");
		}));
		assertThat(this.beat.currentLeader(Duration.ofSeconds(1))).as("unknown").isNull();
	}

	@Test
	void whenTheBrokersDoNotAllowTheSessionTimeoutThenTheBeatDoesNotStartAndSaysWhichPropertyAndBounds() {
		this.settings = SETTINGS.withSessionTimeout(Duration.ofSeconds(3));
		this.group = new StubGroupView(BOUNDS, () -> null);
		assertThatExceptionOfType(BeatSessionTimeoutException.class).isThrownBy(() -> start(MissedSlots.FIRE_ALL))
			.withMessageContaining("kafka-task.beat.session-timeout=3s is outside what the brokers allow, 6s "
					+ "(group.min.session.timeout.ms) to 30m (group.max.session.timeout.ms) on broker 1")
			.satisfies((ex) -> assertThat(ex.getBounds()).isEqualTo(BOUNDS));
		assertThat(this.beat.isRunning()).isFalse();
	}

	@Test
	void whenTheBrokersCannotTellTheirBoundsThenTheBeatStartsAndARefusedJoinSaysWhichPropertyIsWrong() {
		this.settings = SETTINGS.withSessionTimeout(Duration.ofSeconds(3));
		this.group = new StubGroupView(null, () -> null);
		this.consumer.setPollException(new InvalidSessionTimeoutException("The session timeout is not within the "
				+ "range allowed by the broker (as configured by group.min.session.timeout.ms and "
				+ "group.max.session.timeout.ms)."));
		start(MissedSlots.FIRE_ALL);
		await().until(() -> !this.failures.isEmpty());
		assertThat(this.failures.get(0)).isInstanceOf(BeatSessionTimeoutException.class)
			.hasCauseInstanceOf(InvalidSessionTimeoutException.class)
			.hasMessageContaining("kafka-task.beat.session-timeout=3s was refused by the brokers")
			.hasMessageContaining("group.min.session.timeout.ms (6s unless configured)");
		assertThat(this.beat.isRunning()).isTrue();
	}

	@Test
	void whenARefusedJoinAndTheBrokersBoundsAreKnownThenTheFailureNamesThem() {
		this.settings = SETTINGS.withSessionTimeout(Duration.ofSeconds(3));
		this.group = new StubGroupView(null, () -> null);
		start(MissedSlots.FIRE_ALL);
		// the bounds are asked for again when the join is refused
		this.beat.setGroupView(new StubGroupView(BOUNDS, () -> null));
		this.consumer.setPollException(new InvalidSessionTimeoutException("refused"));
		await().until(() -> !this.failures.isEmpty());
		assertThat(this.failures.get(0)).hasMessageContaining("kafka-task.beat.session-timeout=3s is outside what the "
				+ "brokers allow, 6s (group.min.session.timeout.ms) to 30m (group.max.session.timeout.ms) on broker 1");
	}

	@Test
	void whenTheLeaderTopicHasTwoPartitionsThenTheBeatNeverLeadsAndSaysWhy() {
		ElectionConsumer twoPartitions = new ElectionConsumer(2);
		start(MissedSlots.FIRE_ALL, twoPartitions);
		await().until(() -> this.events.containsKey("failure:beat"));
		assertThat(this.beat.isLeader()).isFalse();
		assertThat(this.dispatched).isEmpty();
	}

	private void start(MissedSlots missed) {
		start(missed, this.consumer);
	}

	private void start(MissedSlots missed, ElectionConsumer election) {
		Schedule schedule = new Schedule("tick", "demo.tick", ScheduleTrigger.of(null, null, "1s"), List.of(), Map.of(),
				Map.of(), missed, 10, Duration.ofSeconds(1));
		TaskDispatcher dispatcher = (task, args, kwargs, options) -> {
			this.dispatched.add(options.taskId());
			if (this.failingDispatches.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				return CompletableFuture.failedFuture(new IllegalStateException("broker said no"));
			}
			return CompletableFuture.completedFuture(
					new DispatchReceipt(options.taskId(), task, "default", dev.kafkatask.routing.Backend.KAFKA,
						"tasks.default", 0, 0));
		};
		TaskObserver observer = new TaskObserver() {

			@Override
			public void scheduleFired(String schedule, String task, String outcome) {
				BeatTests.this.events.computeIfAbsent("fired:" + outcome, (key) -> new AtomicInteger()).incrementAndGet();
			}

			@Override
			public void backgroundFailure(String thread, Throwable failure) {
				BeatTests.this.failures.add(failure);
				BeatTests.this.events.computeIfAbsent("failure:" + thread, (key) -> new AtomicInteger())
					.incrementAndGet();
			}

		};
		this.beat = new Beat(this.settings,
				new LeaderElection(new MockConsumerFactory<>(() -> election), SETTINGS.leaderTopic(), "beat"), this.state,
				dispatcher, () -> List.of(schedule), () -> {
				}, observer);
		this.beat.setClock(this.clock);
		if (this.group != null) {
			this.beat.setGroupView(this.group);
		}
		this.beat.start();
	}

	/**
	 * The brokers' answers about the beat's group, without brokers: {@code null} bounds
	 * for brokers that cannot tell them.
	 */
	private static final class StubGroupView extends BeatGroupView {

		private final SessionTimeoutBounds bounds;

		private final Callable<BeatGroupView.Member> leader;

		StubGroupView(SessionTimeoutBounds bounds, Callable<BeatGroupView.Member> leader) {
			super(() -> {
				throw new IllegalStateException("no admin client in unit tests");
			}, SETTINGS.groupId(), SETTINGS.leaderTopic());
			this.bounds = bounds;
			this.leader = leader;
		}

		@Override
		public BeatGroupView.Member leader(Duration timeout) throws Exception {
			return this.leader.call();
		}

		@Override
		public SessionTimeoutBounds sessionTimeoutBounds(Duration timeout) {
			if (this.bounds == null) {
				throw new org.apache.kafka.common.errors.ClusterAuthorizationException("DESCRIBE_CONFIGS denied");
			}
			return this.bounds;
		}

	}

	/**
	 * The election's consumer: the test assigns and revokes the leader topic's partition, as
	 * the group coordinator would, in the consumer's next poll.
	 */
	private static final class ElectionConsumer extends MockConsumer<String, byte[]> {

		private final TopicPartition partition = new TopicPartition(SETTINGS.leaderTopic(), 0);

		ElectionConsumer(int partitions) {
			super("earliest");
			Node node = new Node(0, "localhost", 9092);
			updatePartitions(SETTINGS.leaderTopic(), java.util.stream.IntStream.range(0, partitions)
				.mapToObj((index) -> new PartitionInfo(SETTINGS.leaderTopic(), index, node, null, null))
				.toList());
			updateBeginningOffsets(Map.of(this.partition, 0L));
			updateEndOffsets(Map.of(this.partition, 0L));
		}

		void lead() {
			schedulePollTask(() -> rebalance(List.of(this.partition)));
		}

		void revoke() {
			schedulePollTask(() -> rebalance(List.of()));
		}

		@Override
		public synchronized ConsumerRecords<String, byte[]> poll(Duration timeout) {
			ConsumerRecords<String, byte[]> records = super.poll(timeout);
			try {
				// a broker's poll waits; this one would return at once
				wait(Math.min(timeout.toMillis(), 10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return records;
		}

	}

	/**
	 * The state topic, in memory: what it says is known once read or followed.
	 */
	private static final class InMemoryState extends ScheduleStateStore {

		final Map<String, Instant> slots = new ConcurrentHashMap<>();

		final AtomicInteger reads = new AtomicInteger();

		final AtomicInteger follows = new AtomicInteger();

		final AtomicInteger failingRecords = new AtomicInteger();

		private volatile Map<String, Instant> known = Map.of();

		InMemoryState() {
			super(new MockConsumerFactory<>(() -> new MockConsumer<>("earliest")),
					new KafkaTemplate<>(new MockProducerFactory<>(() -> new MockProducer<>())), "tasks.__beat.state",
					Duration.ofSeconds(1));
		}

		@Override
		public Map<String, Instant> readAll() {
			this.reads.incrementAndGet();
			this.known = Map.copyOf(this.slots);
			return this.known;
		}

		@Override
		public void follow() {
			this.follows.incrementAndGet();
			this.known = Map.copyOf(this.slots);
		}

		@Override
		public Map<String, Instant> lastFiredSlots() {
			return this.known;
		}

		@Override
		public void record(String schedule, Instant slot) {
			if (this.failingRecords.getAndUpdate((left) -> Math.max(0, left - 1)) > 0) {
				throw new IllegalStateException("not acknowledged");
			}
			this.slots.put(schedule, slot);
			this.known = Map.copyOf(this.slots);
		}

	}

	private static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void set(Instant now) {
			this.now = now;
		}

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId zone) {
			return this;
		}

		@Override
		public Instant instant() {
			return this.now;
		}

	}

}
