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
 * the other, in the benchmarks' {@code FaultScenarioSmokeIntegrationTests}.)
 *
 * @author kafka-task
 */
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
				dispatch(dispatcher, 10_000, 100);
				// Both work; the victim is killed with tasks of its share still to run.
				await().atMost(Duration.ofSeconds(60))
					.until(() -> runs("victim").size() >= 1000 && !runs("survivor").isEmpty());
				victim.destroyForcibly().waitFor();
				int beforeKill = runs("victim").size();
				await().atMost(Duration.ofSeconds(120)).until(() -> distinct(runs("victim", "survivor")) == 10_000);
				int duplicates = runs("victim", "survivor").size() - 10_000;
				long lastRunsMillis = lastRunsMillis();
				logger.info("kill -9 after " + beforeKill + " of 10,000 tasks ran in the victim: " + duplicates
						+ " ran twice, finished in the victim's last " + lastRunsMillis + " ms (in-flight bound "
						+ MAX_IN_FLIGHT + ", commit interval 50 ms)");
				// What runs again is what finished after the last acknowledged commit: the last
				// moments of the victim's life, never work committed long before. How many tasks
				// that is depends on the throughput then (2,000/s here: one commit interval and
				// an acknowledgement are ~100-250 tasks), so the count gets a looser bound.
				assertThat(lastRunsMillis).isLessThanOrEqualTo(1000);
				assertThat(duplicates).isLessThanOrEqualTo(2 * MAX_IN_FLIGHT);
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
				"worker.journal=" + this.directory.resolve(name + ".journal"));
	}

	private ConfigurableApplicationContext dispatcher(String bootstrap) {
		// Arguments, not default properties: they must win over the shared broker's system
		// property, which other tests of this JVM may have set.
		return new SpringApplicationBuilder(DispatcherApp.class).web(WebApplicationType.NONE)
			.run("--spring.kafka.bootstrap-servers=" + bootstrap, "--kafka-task.kafka.topic-prefix=" + this.prefix,
					"--kafka-task.kafka.partitions=6", "--kafka-task.worker.enabled=false",
					"--kafka-task.worker.pinning.enabled=false", "--spring.main.banner-mode=off");
	}

	private static void dispatch(ConfigurableApplicationContext app, int count, long millis) throws Exception {
		TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
		List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			sent.add(dispatcher.dispatch("fault.work", "task-" + i, millis));
		}
		CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get();
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
