package dev.kafkatask.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

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

import dev.kafkatask.canvas.Canvas;
import dev.kafkatask.canvas.CanvasReceipt;
import dev.kafkatask.canvas.Signature;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.test.SharedKafkaBroker;
import dev.kafkatask.test.TestKafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A chord of 100 across two worker JVMs, one of them killed with {@code kill -9} while the
 * members run: its members are run again by the other, its chord joiner's partitions too,
 * and the callback runs exactly once, with all 100 results in order.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
@Isolated("it starts JVMs of its own")
class ChordWorkerKillIntegrationTests {

	private static final Log logger = LogFactory.getLog(ChordWorkerKillIntegrationTests.class);

	private static final int MEMBERS = 100;

	private final String prefix = "chord" + UUID.randomUUID().toString().substring(0, 8) + ".";

	@TempDir(cleanup = CleanupMode.ON_SUCCESS)
	private Path directory;

	@Test
	void whenAWorkerIsKilledMidChordThenTheCallbackRunsOnceWithAllResultsInOrder() throws Exception {
		String bootstrap = TestKafka.bootstrapServers();
		Process victim = worker(bootstrap, "victim");
		Process survivor = worker(bootstrap, "survivor");
		try (ConfigurableApplicationContext app = dispatcher(bootstrap)) {
			awaitReady("victim");
			awaitReady("survivor");
			List<Signature> members = IntStream.range(0, MEMBERS).mapToObj((i) -> Signature.of("fault.square", i, 100L))
				.toList();
			CanvasReceipt receipt = app.getBean(TaskDispatcher.class)
				.dispatch(Canvas.chord(Canvas.group(members), Signature.of("fault.sum")))
				.get();
			await().atMost(Duration.ofSeconds(60)).until(() -> lines("victim", "member").size() >= 10);
			victim.destroyForcibly().waitFor();
			int killedAfter = lines("victim", "member").size();
			await().atMost(Duration.ofSeconds(90)).until(() -> lines("callback").size() == 1);
			// a second callback would come within the joiners' next polls
			await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
				.until(() -> lines("callback").size() == 1);
			List<Integer> expected = IntStream.range(0, MEMBERS).map((i) -> i * i).boxed().toList();
			assertThat(lines("callback")).containsExactly(
					"callback " + receipt.id() + " " + expected.toString().replace(" ", ""));
			int memberRuns = lines("member").size();
			logger.info("kill -9 after the victim ran " + killedAfter + " members: " + memberRuns + " member runs for "
					+ MEMBERS + " members, one callback");
			assertThat(lines("member").stream().map((line) -> line.split(" ")[2]).distinct()).hasSize(MEMBERS);
		}
		finally {
			stop(victim);
			stop(survivor);
		}
	}

	private Process worker(String bootstrap, String name) throws IOException {
		// Classic groups with a 6 s session: the survivor takes the victim's task and chord
		// partitions over 6 s after the kill, not 45 s.
		return ChordWorkerProcess.start(this.directory.resolve(name + ".log"),
				"spring.kafka.bootstrap-servers=" + bootstrap, "kafka-task.kafka.topic-prefix=" + this.prefix,
				"kafka-task.worker.group-id=" + this.prefix + "workers", "kafka-task.kafka.partitions=4",
				"kafka-task.worker.group-protocol=classic", "spring.kafka.consumer.properties.session.timeout.ms=6000",
				"spring.kafka.consumer.properties.heartbeat.interval.ms=1000", "kafka-task.worker.max-in-flight=4",
				"kafka-task.worker.commit-interval=100ms", "kafka-task.worker.pinning.enabled=false",
				"spring.main.banner-mode=off", "logging.level.org.apache.kafka=warn",
				"worker.journal=" + this.directory.resolve(name + ".journal"));
	}

	private ConfigurableApplicationContext dispatcher(String bootstrap) {
		// Arguments, not default properties: they must win over the shared broker's system property.
		return new SpringApplicationBuilder(DispatcherApp.class).web(WebApplicationType.NONE)
			.run("--spring.kafka.bootstrap-servers=" + bootstrap, "--kafka-task.kafka.topic-prefix=" + this.prefix,
					"--kafka-task.kafka.partitions=4", "--kafka-task.worker.enabled=false",
					"--kafka-task.worker.pinning.enabled=false", "--spring.main.banner-mode=off");
	}

	private void awaitReady(String name) {
		Path log = this.directory.resolve(name + ".log");
		await().atMost(Duration.ofSeconds(90))
			.until(() -> Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains("READY"));
	}

	private List<String> lines(String kind) throws IOException {
		List<String> lines = new ArrayList<>(lines("victim", kind));
		lines.addAll(lines("survivor", kind));
		return lines;
	}

	private List<String> lines(String name, String kind) throws IOException {
		Path journal = this.directory.resolve(name + ".journal");
		if (!Files.exists(journal)) {
			return List.of();
		}
		return Files.readAllLines(journal, StandardCharsets.UTF_8).stream()
			.filter((line) -> line.startsWith(kind + " "))
			.toList();
	}

	private static void stop(Process process) throws InterruptedException {
		process.destroy();
		if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
			process.destroyForcibly().waitFor();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class DispatcherApp {

	}

}
