package dev.kafkatask.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import dev.kafkatask.fault.WorkerProcess;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The beat's failover when the leader's JVM dies: two applications in JVMs of their own run a
 * schedule every second, the leader is killed with {@code SIGKILL} (no rebalance listener, no
 * leave-group, no closing of anything), and the other leads once the dead one's session has
 * timed out, firing the slots in between: none lost, none twice.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@Isolated("it starts JVMs of its own")
class BeatProcessIntegrationTests {

	private static final Log logger = LogFactory.getLog(BeatProcessIntegrationTests.class);

	private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

	private static final String LEADS = "Beat: this instance leads";

	private static final List<String> STEPS_DOWN = List.of("Beat: this instance no longer leads",
			"Beat: this instance lost its leadership");

	private final String prefix = "beatproc" + UUID.randomUUID().toString().substring(0, 8) + ".";

	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	private Path directory;

	@Test
	void whenTheLeadersJvmIsKilledThenTheOtherLeadsWithinTheSessionTimeoutWithNoSlotLostOrDoubled() throws Exception {
		String bootstrap = TestKafka.bootstrapServers();
		Map<String, Process> processes = new TreeMap<>();
		Instant began = Instant.now();
		try {
			processes.put("first", start(bootstrap, "first"));
			processes.put("second", start(bootstrap, "second"));
			await().atMost(Duration.ofSeconds(90)).until(() -> leads("first") || leads("second"));
			String leader = leads("first") ? "first" : "second";
			String other = leader.equals("first") ? "second" : "first";
			logger.info("Beat in JVMs: '" + leader + "' leads " + Duration.between(began, Instant.now()).toMillis()
					+ " ms after the start");
			await().atMost(Duration.ofSeconds(30)).until(() -> firedSlots().size() >= 3);
			assertThat(leads(other)).isFalse();

			// Mid-slot, well away from a fire: the leader dispatches a slot and records it
			// within milliseconds of the second. Should it be slow, the check below allows what
			// a kill between dispatch and record repeats.
			await().pollInterval(Duration.ofMillis(10))
				.atMost(Duration.ofSeconds(5))
				.until(() -> Math.floorMod(System.currentTimeMillis(), 1000) >= 400
						&& Math.floorMod(System.currentTimeMillis(), 1000) < 600);
			Process victim = processes.get(leader);
			victim.destroyForcibly();
			Instant killed = Instant.now();
			assertThat(victim.waitFor(10, TimeUnit.SECONDS)).isTrue();
			// What the dead leader left, read before anyone else leads.
			Instant lastRecorded = lastRecordedSlot("tick");
			assertThat(lastRecorded).isNotNull();

			await().atMost(SESSION_TIMEOUT.plusSeconds(10)).until(() -> leads(other));
			Duration handover = Duration.between(killed, Instant.now());
			logger.info("Beat in JVMs: '" + other + "' leads " + handover.toMillis() + " ms after '" + leader
					+ "' was killed; last recorded slot " + lastRecorded);
			assertThat(handover).as("a dead leader is noticed at the session timeout, not at once")
				.isGreaterThan(SESSION_TIMEOUT.dividedBy(2))
				.isLessThan(SESSION_TIMEOUT.plusSeconds(5));
			Instant tookOver = Instant.now();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> firedSlots().keySet().stream().filter((slot) -> slot.isAfter(tookOver)).count() >= 2);

			Map<Instant, Long> fired = firedSlots();
			List<Instant> slots = List.copyOf(fired.keySet());
			assertThat(slots).as("slots fired while nobody led, by the new leader")
				.anyMatch((slot) -> slot.isAfter(killed) && slot.isBefore(tookOver.minusSeconds(1)));
			for (int i = 1; i < slots.size(); i++) {
				assertThat(Duration.between(slots.get(i - 1), slots.get(i))).as("no slot lost after %s", slots.get(i - 1))
					.isEqualTo(Duration.ofSeconds(1));
			}
			// Only a slot the dead leader dispatched and did not record may fire again (the
			// crash window); a kill mid-slot leaves none.
			fired.forEach((slot, count) -> {
				boolean inCrashWindow = slot.isAfter(lastRecorded) && !slot.isAfter(killed);
				assertThat(count).as("dispatches of slot %s (last recorded %s, killed at %s)", slot, lastRecorded, killed)
					.isLessThanOrEqualTo(inCrashWindow ? 2 : 1);
			});
		}
		finally {
			// A test's applications need no clean stop: their group and topics are their own.
			for (Process process : processes.values()) {
				process.destroyForcibly();
			}
			for (Process process : processes.values()) {
				process.waitFor(10, TimeUnit.SECONDS);
			}
			logger.info("Beat in JVMs: " + Duration.between(began, Instant.now()).toMillis() + " ms in all");
		}
	}

	/**
	 * Start an application in a JVM of its own: {@link WorkerProcess}'s, with the JIT held
	 * to its first tier, which starts Spring Boot sooner on a busy machine.
	 */
	private Process start(String bootstrap, String name) throws IOException {
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
				"-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
				WorkerProcess.class.getName()));
		for (String property : List.of("spring.kafka.bootstrap-servers=" + bootstrap,
				"kafka-task.kafka.topic-prefix=" + this.prefix, "kafka-task.worker.group-id=" + this.prefix + "workers",
				"kafka-task.kafka.partitions=1", "kafka-task.worker.pinning.enabled=false",
				"kafka-task.schedules.tick.task=fault.work", "kafka-task.schedules.tick.fixed-rate=1s",
				"kafka-task.schedules.tick.args=[\"beat\", 0]", "kafka-task.schedules.tick.missed=fire-all",
				"kafka-task.schedules.tick.missed-limit=100",
				"kafka-task.beat.session-timeout=" + SESSION_TIMEOUT.toMillis() + "ms", "spring.main.banner-mode=off",
				"logging.level.org.apache.kafka=warn", "worker.journal=" + this.directory.resolve(name + ".journal"))) {
			command.add("--" + property);
		}
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve(name + ".log").toFile())
			.start();
	}

	/**
	 * Whether an instance leads, as its log last said.
	 */
	private boolean leads(String name) throws IOException {
		Path log = this.directory.resolve(name + ".log");
		if (!Files.exists(log)) {
			return false;
		}
		boolean leads = false;
		for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
			if (line.contains(LEADS)) {
				leads = true;
			}
			else if (STEPS_DOWN.stream().anyMatch(line::contains)) {
				leads = false;
			}
		}
		return leads;
	}

	/**
	 * Return how often each slot of schedule {@code tick} was dispatched: the records of the
	 * default queue's topic, by the task id {@code tick@<slot>} of their header.
	 */
	private Map<Instant, Long> firedSlots() {
		return readToEnd(this.prefix + "default").stream()
			.map((record) -> new String(record.headers().lastHeader("kafka-task-id").value(), StandardCharsets.UTF_8))
			.filter((id) -> id.startsWith("tick@"))
			.map((id) -> Instant.parse(id.substring("tick@".length())))
			.collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
	}

	private Instant lastRecordedSlot(String schedule) {
		Instant last = null;
		for (ConsumerRecord<byte[], byte[]> record : readToEnd(this.prefix + "__beat.state")) {
			if (schedule.equals(new String(record.key(), StandardCharsets.UTF_8)) && record.value() != null) {
				last = Instant.parse(new String(record.value(), StandardCharsets.UTF_8));
			}
		}
		return last;
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
