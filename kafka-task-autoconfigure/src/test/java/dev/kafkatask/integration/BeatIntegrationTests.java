package dev.kafkatask.integration;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.actuate.KafkaTasksEndpoint;
import dev.kafkatask.kafka.beat.Beat;
import dev.kafkatask.kafka.beat.BeatSessionTimeoutException;
import dev.kafkatask.kafka.beat.SessionTimeoutBounds;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Periodic tasks on the real broker: two instances of one application fire each slot of a
 * schedule exactly once and both tell the last fired slot and the leader, a crashed leader is
 * replaced within the session timeout without a slot lost or doubled, a new leader treats
 * missed slots by each schedule's policy, and a session timeout the brokers refuse fails the
 * startup.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@Isolated("its handovers and slot times are bounded in seconds")
class BeatIntegrationTests {

	private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

	private final TaskApplications apps = new TaskApplications();

	@Test
	void whenTwoInstancesRunAScheduleThenEachSlotFiresOnceAndACrashedLeaderIsReplacedWithinTheSessionTimeout() {
		String[] properties = { "kafka-task.schedules.tick.task=it.context", "kafka-task.schedules.tick.fixed-rate=1s",
				"kafka-task.schedules.tick.args=[\"beat\"]", "kafka-task.schedules.tick.missed=fire-all",
				"kafka-task.schedules.tick.missed-limit=100",
				"kafka-task.beat.session-timeout=" + SESSION_TIMEOUT.toMillis() + "ms",
				"management.endpoints.web.exposure.include=kafkatasks" };
		ConfigurableApplicationContext first = this.apps.start(properties);
		ConfigurableApplicationContext second = this.apps.start(properties);
		try {
			Beat firstBeat = first.getBean(Beat.class);
			Beat secondBeat = second.getBean(Beat.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> firstBeat.isLeader() || secondBeat.isLeader());
			Beat leader = firstBeat.isLeader() ? firstBeat : secondBeat;
			Beat follower = (leader == firstBeat) ? secondBeat : firstBeat;
			ConfigurableApplicationContext leaderApp = (leader == firstBeat) ? first : second;
			await().atMost(Duration.ofSeconds(15)).until(() -> firedSlots().size() >= 5);
			assertThat(follower.isLeader()).isFalse();
			KafkaTasksEndpoint.ScheduleDescriptor shown = leaderApp.getBean(KafkaTasksEndpoint.class)
				.kafkaTasks()
				.schedules()
				.get(0);
			assertThat(shown.name()).isEqualTo("tick");
			assertThat(shown.leader()).isTrue();
			assertThat(shown.lastFiredSlot()).isNotNull();
			assertThat(shown.nextFireTime()).isAfter(shown.lastFiredSlot());
			MeterRegistry meters = leaderApp.getBean(MeterRegistry.class);
			assertThat(meters.get("kafka.task.schedule.leader").gauge().value()).isEqualTo(1.0);
			assertThat(meters.get("kafka.task.schedule.fired").tag("outcome", "fired").counter().count())
				.isGreaterThanOrEqualTo(5);
			assertThat(meters.get("kafka.task.schedule.lag").tag("schedule", "tick").gauge().value()).isBetween(0.0,
					1.0);
			// Every instance tells the same: the follower follows the state topic, and the
			// group coordinator names the leader to both.
			ConfigurableApplicationContext followerApp = (leaderApp == first) ? second : first;
			Instant firedBefore = java.util.Collections.max(firedSlots().keySet());
			KafkaTasksEndpoint.LeaderDescriptor named = leaderApp.getBean(KafkaTasksEndpoint.class)
				.kafkaTasks()
				.schedules()
				.get(0)
				.currentLeader();
			assertThat(named).isNotNull();
			assertThat(named.thisInstance()).isTrue();
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				KafkaTasksEndpoint.ScheduleDescriptor told = followerApp.getBean(KafkaTasksEndpoint.class)
					.kafkaTasks()
					.schedules()
					.get(0);
				assertThat(told.leader()).isFalse();
				assertThat(told.lastFiredSlot()).isNotNull().isAfterOrEqualTo(firedBefore);
				assertThat(told.currentLeader()).isEqualTo(new KafkaTasksEndpoint.LeaderDescriptor(named.memberId(),
						named.clientId(), named.host(), false));
			});

			// The leader's beat stops as a crashed instance's would: its election consumer is
			// closed without leaving the group, so the coordinator notices only when its
			// session times out.
			Instant crashed = Instant.now();
			leader.halt();
			await().atMost(SESSION_TIMEOUT.plusSeconds(10)).until(follower::isLeader);
			Duration handover = Duration.between(crashed, Instant.now());
			assertThat(handover).as("a crash is noticed at the session timeout, not at once")
				.isGreaterThan(SESSION_TIMEOUT.dividedBy(2))
				.isLessThan(SESSION_TIMEOUT.plusSeconds(5));
			// the new leader fires the slots of the gap at once, then goes on with slots on time
			Instant tookOver = Instant.now();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> firedSlots().keySet().stream().filter((slot) -> slot.isAfter(tookOver)).count() >= 2);

			List<Instant> slots = firedSlots().keySet().stream().sorted().toList();
			assertThat(firedSlots()).as("each slot dispatched once").allSatisfy((slot, count) -> assertThat(count).isOne());
			for (int i = 1; i < slots.size(); i++) {
				assertThat(Duration.between(slots.get(i - 1), slots.get(i))).as("no slot lost after %s", slots.get(i - 1))
					.isEqualTo(Duration.ofSeconds(1));
			}
			assertThat(slots).anyMatch((slot) -> slot.isAfter(crashed) && slot.isBefore(tookOver.minusSeconds(1)));
			// and each ran (the worker of either instance), with the schedule's arguments
			await().atMost(Duration.ofSeconds(10))
				.until(() -> slots.stream().allMatch((slot) -> ranWithId("tick@" + slot)));
		}
		finally {
			second.close();
			first.close();
		}
	}

	@Test
	void whenTheBrokersDoNotAllowTheSessionTimeoutThenStartupFailsNamingThePropertyAndTheirBounds() {
		Throwable failure = catchThrowable(() -> this.apps.start("kafka-task.schedules.tick.task=it.context",
				"kafka-task.schedules.tick.fixed-rate=1s", "kafka-task.beat.session-timeout=3s"));
		BeatSessionTimeoutException refused = findCause(failure, BeatSessionTimeoutException.class);
		assertThat(refused).as("cause of %s", failure).isNotNull();
		assertThat(refused.getBounds()).isNotNull();
		assertThat(refused.getBounds().allow(Duration.ofSeconds(3))).isFalse();
		assertThat(refused).hasMessageStartingWith("The beat's session timeout kafka-task.beat.session-timeout=3s is "
				+ "outside what the brokers allow, " + SessionTimeoutBounds.format(refused.getBounds().min())
				+ " (group.min.session.timeout.ms) to");
	}

	@Test
	void whenTheLeaderStopsCleanlyThenTheOtherInstanceLeadsAtOnceWithoutLosingASlot() {
		// a long session timeout, which a clean stop does not wait for
		Duration sessionTimeout = Duration.ofSeconds(30);
		String[] properties = { "kafka-task.schedules.tick.task=it.context", "kafka-task.schedules.tick.fixed-rate=1s",
				"kafka-task.schedules.tick.args=[\"beat\"]", "kafka-task.schedules.tick.missed=fire-all",
				"kafka-task.beat.session-timeout=" + sessionTimeout.toMillis() + "ms" };
		ConfigurableApplicationContext first = this.apps.start(properties);
		ConfigurableApplicationContext second = this.apps.start(properties);
		try {
			await().atMost(Duration.ofSeconds(20))
				.until(() -> first.getBean(Beat.class).isLeader() || second.getBean(Beat.class).isLeader());
			ConfigurableApplicationContext leader = first.getBean(Beat.class).isLeader() ? first : second;
			Beat follower = ((leader == first) ? second : first).getBean(Beat.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> firedSlots().size() >= 2);
			// watched while the leader closes: the close goes on after the beat left (its worker,
			// its other beans), and took 23 s once with other tests beside it
			CompletableFuture<Instant> led = CompletableFuture.supplyAsync(() -> {
				await().atMost(sessionTimeout.plusSeconds(10)).until(follower::isLeader);
				return Instant.now();
			});
			Instant stopped = Instant.now();
			leader.close();
			// the leader leaves the group; the other hears of it at its next heartbeat (1 s), joins
			// again and reads the state topic to its end: well within the session timeout, which
			// a leader that did not leave would hold the group for
			assertThat(Duration.between(stopped, led.join())).as("a clean stop leaves the group: no session timeout")
				.isLessThan(sessionTimeout.dividedBy(2));
			int firedAtHandover = firedSlots().size();
			await().atMost(Duration.ofSeconds(10)).until(() -> firedSlots().size() >= firedAtHandover + 2);
			List<Instant> slots = firedSlots().keySet().stream().sorted().toList();
			assertThat(firedSlots()).allSatisfy((slot, count) -> assertThat(count).isOne());
			assertThat(Duration.between(slots.get(0), slots.get(slots.size() - 1)))
				.isEqualTo(Duration.ofSeconds(slots.size() - 1));
		}
		finally {
			second.close();
			first.close();
		}
	}

	@Test
	void whenALeaderTakesOverMissedSlotsThenEachScheduleFollowsItsPolicy() throws Exception {
		// Hourly schedules whose state says: last fired ten slots ago, so ten slots are missed
		// and none is on time.
		Instant hour = Instant.ofEpochSecond(Instant.now().getEpochSecond() / 3600 * 3600);
		if (Duration.between(hour, Instant.now()).compareTo(Duration.ofSeconds(5)) < 0) {
			hour = hour.minus(Duration.ofHours(1)); // not across the hour's own slot
		}
		Instant lastFired = hour.minus(Duration.ofHours(10));
		String stateTopic = this.apps.prefix() + "__beat.state";
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()))) {
			admin.createTopics(List.of(new NewTopic(stateTopic, 1, (short) 1)
				.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
		}
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()), new StringSerializer(),
				new StringSerializer())) {
			for (String schedule : List.of("once", "skip", "all")) {
				producer.send(new ProducerRecord<>(stateTopic, schedule, lastFired.toString())).get();
			}
		}
		List<String> properties = new ArrayList<>();
		for (String[] schedule : new String[][] { { "once", "fire-once" }, { "skip", "skip" }, { "all", "fire-all" } }) {
			String prefix = "kafka-task.schedules." + schedule[0] + ".";
			properties.addAll(List.of(prefix + "task=it.context", prefix + "fixed-rate=1h", prefix + "missed=" + schedule[1],
					prefix + "missed-limit=3"));
		}
		try (ConfigurableApplicationContext app = this.apps.start(properties.toArray(String[]::new))) {
			Beat beat = app.getBean(Beat.class);
			MeterRegistry meters = app.getBean(MeterRegistry.class);
			await().atMost(Duration.ofSeconds(20)).until(() -> beat.isLeader()
					&& skipped(meters, "skip") == 10 && skipped(meters, "once") == 9 && skipped(meters, "all") == 7);
			Instant latest = hour;
			await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
				Map<String, List<Instant>> fired = firedByScheduleOf(this.apps.topic("default"));
				assertThat(fired.get("once")).containsExactly(latest);
				assertThat(fired.get("skip")).isNull();
				assertThat(fired.get("all")).containsExactly(latest.minus(Duration.ofHours(2)),
						latest.minus(Duration.ofHours(1)), latest);
			});
			assertThat(beat.states()).filteredOn((state) -> state.schedule().name().equals("all"))
				.singleElement()
				.satisfies((state) -> assertThat(state.lastFiredSlot()).isEqualTo(latest));
		}
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	private static double skipped(MeterRegistry meters, String schedule) {
		var counter = meters.find("kafka.task.schedule.fired").tags("schedule", schedule, "outcome", "skipped").counter();
		return (counter != null) ? counter.count() : 0;
	}

	private boolean ranWithId(String taskId) {
		return this.apps.journal().entries().stream().anyMatch((entry) -> entry.startsWith("context:kafka:" + taskId + ":[beat]"));
	}

	/**
	 * Return how often each slot of schedule {@code tick} was dispatched: the records of the
	 * queue's topic, by the task id {@code tick@<slot>} of their header.
	 */
	private Map<Instant, Long> firedSlots() {
		return firedByScheduleOf(this.apps.topic("default")).getOrDefault("tick", List.of())
			.stream()
			.collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
	}

	private static Map<String, List<Instant>> firedByScheduleOf(String topic) {
		Map<String, List<Instant>> fired = new TreeMap<>();
		for (ConsumerRecord<byte[], byte[]> record : readToEnd(topic)) {
			String id = new String(record.headers().lastHeader("kafka-task-id").value(), StandardCharsets.UTF_8);
			int at = id.indexOf('@');
			if (at > 0) {
				fired.computeIfAbsent(id.substring(0, at), (name) -> new ArrayList<>())
					.add(Instant.parse(id.substring(at + 1)));
			}
		}
		fired.values().forEach((slots) -> slots.sort(null));
		return fired;
	}

	private static List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic) {
		try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
				new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
			List<TopicPartition> partitions = consumer.partitionsFor(topic)
				.stream()
				.map((info) -> new TopicPartition(topic, info.partition()))
				.toList();
			consumer.assign(partitions);
			consumer.seekToBeginning(partitions);
			Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
			List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
			while (ends.entrySet().stream().anyMatch((end) -> consumer.position(end.getKey()) < end.getValue())) {
				consumer.poll(Duration.ofMillis(100)).forEach(records::add);
			}
			return records;
		}
	}

}
