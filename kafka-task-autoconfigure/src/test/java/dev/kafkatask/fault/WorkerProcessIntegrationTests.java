package dev.kafkatask.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.test.StandaloneKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Workers in JVMs of their own on a standalone broker: two share a group, and one is killed
 * with {@code kill -9} in the middle of a run. (A worker restarted while others go on is in
 * {@code WorkerFeaturesIntegrationTests}; worker JVMs stopped with {@code SIGTERM} one after
 * the other, in the {@code rolling-restart} fault of the benchmarks' {@code faults} scenario.)
 *
 * @author kafka-task
 */
@Isolated("it starts JVMs of its own")
class WorkerProcessIntegrationTests {

	private static final Log logger = LogFactory.getLog(WorkerProcessIntegrationTests.class);

	private static final int MAX_IN_FLIGHT = 200;

	/**
	 * The group's session timeout on the standalone broker (Kafka's default: 45 s), after which
	 * the killed worker's partitions go to the survivor.
	 */
	private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

	private final String prefix = "proc" + UUID.randomUUID().toString().substring(0, 8) + ".";

	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	private Path directory;

	@Test
	void whenOneOfTwoWorkerJvmsIsKilledMidRunThenEveryTaskRunsAndFewRunTwice() throws Exception {
		try (StandaloneKafka kafka = StandaloneKafka.start(this.directory.resolve("broker"), 6, SESSION_TIMEOUT)) {
			String bootstrap = kafka.bootstrapServers();
			Process victim = worker(bootstrap, "victim");
			Process survivor = worker(bootstrap, "survivor");
			try (ConfigurableApplicationContext dispatcher = dispatcher(bootstrap)) {
				awaitReady("victim");
				awaitReady("survivor");
				Map<String, DispatchReceipt> receipts = dispatch(dispatcher, 10_000, 100);
				// Both work; the victim is killed with tasks of its share still to run.
				await().atMost(Duration.ofSeconds(60))
					.until(() -> runs("victim").size() >= 1000 && !runs("survivor").isEmpty());
				victim.destroyForcibly().waitFor();
				int beforeKill = runs("victim").size();
				await().atMost(Duration.ofSeconds(120)).until(() -> distinct(runs("victim", "survivor")) == 10_000);
				Map<String, Long> committed = lastCommits("victim");
				List<String> victimRuns = runs("victim");
				List<String> survivorRuns = runs("survivor");
				Map<String, Integer> counts = new HashMap<>();
				victimRuns.forEach((task) -> counts.merge(task, 1, Integer::sum));
				survivorRuns.forEach((task) -> counts.merge(task, 1, Integer::sum));
				List<String> twice = counts.entrySet().stream().filter((run) -> run.getValue() > 1).map(Map.Entry::getKey).toList();
				long uncommittedTail = victimRuns.stream()
					.filter((task) -> !isBelow(receipts.get(task), committed))
					.count();
				logger.info("kill -9 after " + beforeKill + " of 10,000 tasks ran in the victim: " + twice.size()
						+ " ran twice, of the " + uncommittedTail + " it had finished above its last acknowledged commit;"
						+ " they finished in the victim's last " + lastRunsMillis() + " ms (in-flight bound "
						+ MAX_IN_FLIGHT + ", commit interval 50 ms)");
				// What runs again is what the victim finished above the last commit the broker
				// acknowledged to it (its journal may miss the very last acknowledgements, which
				// only makes this stricter): never work committed before, never a task twice in
				// one worker. How many that is depends on the throughput and the commit round trip
				// at that moment, so it is reported, not bounded by time.
				assertThat(committed).as("the victim's acknowledged commits").isNotEmpty();
				assertThat(twice).allSatisfy((task) -> {
					assertThat(counts.get(task)).as("runs of %s", task).isEqualTo(2);
					assertThat(victimRuns).as("the victim's runs").contains(task);
					assertThat(isBelow(receipts.get(task), committed))
						.as("%s at %s ran again though the victim's commit %s covered it", task,
								coordinates(receipts.get(task)), committed)
						.isFalse();
				});
			}
			finally {
				stop(victim);
				stop(survivor);
			}
		}
	}

	/**
	 * Return how long before its last completion the victim finished the earliest of the
	 * tasks that ran again in the survivor.
	 */
	private long lastRunsMillis() throws IOException {
		Map<String, Long> victimEnds = new HashMap<>();
		for (String line : journalLines("victim")) {
			victimEnds.put(line.substring(0, line.indexOf(' ')), Long.parseLong(line.substring(line.indexOf(' ') + 1)));
		}
		long last = victimEnds.values().stream().mapToLong(Long::longValue).max().orElse(0);
		return runs("survivor").stream()
			.filter(victimEnds::containsKey)
			.mapToLong((task) -> last - victimEnds.get(task))
			.max()
			.orElse(0);
	}

	private Process worker(String bootstrap, String name) throws IOException {
		return WorkerProcess.start(this.directory.resolve(name + ".log"), "spring.kafka.bootstrap-servers=" + bootstrap,
				"kafka-task.kafka.topic-prefix=" + this.prefix, "kafka-task.worker.group-id=" + this.prefix + "workers",
				"kafka-task.kafka.partitions=6", "kafka-task.worker.max-in-flight=" + MAX_IN_FLIGHT,
				"kafka-task.worker.commit-interval=50ms", "kafka-task.worker.pinning.enabled=false",
				"spring.main.banner-mode=off", "logging.level.org.apache.kafka=warn",
				"worker.journal=" + this.directory.resolve(name + ".journal"),
				"spring.kafka.consumer.properties.interceptor.classes=" + CommitJournal.class.getName(),
				"spring.kafka.consumer.properties." + CommitJournal.JOURNAL + "="
						+ this.directory.resolve(name + ".commits"));
	}

	private ConfigurableApplicationContext dispatcher(String bootstrap) {
		// Arguments, not default properties: they must win over the shared broker's system
		// property, which other tests of this JVM may have set.
		return new SpringApplicationBuilder(DispatcherApp.class).web(WebApplicationType.NONE)
			.run("--spring.kafka.bootstrap-servers=" + bootstrap, "--kafka-task.kafka.topic-prefix=" + this.prefix,
					"--kafka-task.kafka.partitions=6", "--kafka-task.worker.enabled=false",
					"--kafka-task.worker.pinning.enabled=false", "--spring.main.banner-mode=off");
	}

	private static Map<String, DispatchReceipt> dispatch(ConfigurableApplicationContext app, int count, long millis)
			throws Exception {
		TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
		List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sent.add(dispatcher.dispatch("fault.work", "task-" + i, millis));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
		Map<String, DispatchReceipt> receipts = new HashMap<>();
		for (int i = 0; i < count; i++) {
			receipts.put("task-" + i, sent.get(i).get());
		}
		return receipts;
	}

	/**
	 * Return the highest offset each task partition's commits reached in a worker's commit
	 * journal, by {@code <topic>-<partition>}.
	 */
	private Map<String, Long> lastCommits(String name) throws IOException {
		Map<String, Long> committed = new HashMap<>();
		Path journal = this.directory.resolve(name + ".commits");
		String topic = this.prefix + "default-";
		if (Files.exists(journal)) {
			for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
				String[] parts = line.split(" ");
				if (parts.length == 3 && parts[1].startsWith(topic)) {
					committed.merge(parts[1], Long.parseLong(parts[2]), Math::max);
				}
			}
		}
		return committed;
	}

	private static boolean isBelow(DispatchReceipt receipt, Map<String, Long> committed) {
		Long offset = committed.get(receipt.destination() + "-" + receipt.partition());
		return offset != null && receipt.offset() < offset;
	}

	private static String coordinates(DispatchReceipt receipt) {
		return receipt.destination() + "-" + receipt.partition() + "@" + receipt.offset();
	}

	private void awaitReady(String name) {
		Path log = this.directory.resolve(name + ".log");
		await().atMost(Duration.ofSeconds(90))
			.until(() -> Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("READY"));
	}

	private List<String> runs(String... names) throws IOException {
		return journalLines(names).stream().map((line) -> line.substring(0, line.indexOf(' '))).toList();
	}

	/**
	 * Return the lines of the workers' journals: {@code <task id> <end time millis>}.
	 */
	private List<String> journalLines(String... names) throws IOException {
		List<String> lines = new ArrayList<>();
		for (String name : names) {
			Path journal = this.directory.resolve(name + ".journal");
			if (Files.exists(journal)) {
				Files.readAllLines(journal, StandardCharsets.UTF_8)
					.stream()
					.filter((line) -> line.indexOf(' ') > 0)
					.forEach(lines::add);
			}
		}
		return lines;
	}

	private static int distinct(List<String> runs) {
		Map<String, Integer> counts = new HashMap<>();
		runs.forEach((run) -> counts.merge(run, 1, Integer::sum));
		return counts.size();
	}

	private static void stop(Process process) throws InterruptedException {
		process.destroy();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class DispatcherApp {

	}

}
