package dev.kafkatask.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.task.KafkaTask;

/**
 * A kafka-task worker in a JVM of its own, for tests that run several workers or kill one.
 * Each task it runs appends its id and end time to a journal file, one line per run, written straight
 * through so that a {@code kill -9} loses no line of a finished task. Prints {@code READY}
 * once it has partitions.
 *
 * @author kafka-task
 */
public final class WorkerProcess {

	private WorkerProcess() {
	}

	public static void main(String[] args) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(WorkerApp.class)
			.web(WebApplicationType.NONE)
			.run(args);
		TaskWorker container = context.getBean(TaskWorker.class);
		Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !container.getAssignment().isEmpty());
		System.out.println("READY " + container.getAssignment().size());
		System.out.flush();
	}

	/**
	 * Starts a worker process with the given Spring properties.
	 * @param log where the process writes its output
	 * @param properties {@code name=value} pairs
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	public static Process start(Path log, String... properties) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx256m");
		// C1 only: the JVM starts sooner on a busy machine, and nothing here needs C2's code
		command.add("-XX:TieredStopAtLevel=1");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(WorkerProcess.class.getName());
		for (String property : properties) {
			command.add("--" + property);
		}
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class WorkerApp {

		@Bean
		JournalingTasks journalingTasks(@Value("${worker.journal}") String journal) {
			return new JournalingTasks(Path.of(journal));
		}

	}

	/**
	 * The tasks of worker processes.
	 */
	public static class JournalingTasks {

		private final Path journal;

		JournalingTasks(Path journal) {
			this.journal = journal;
		}

		@KafkaTask(name = "fault.work")
		public void work(String id, long millis) throws IOException, InterruptedException {
			Thread.sleep(millis);
			// One write call per line: it survives the process being killed right after.
			Files.write(this.journal, (id + " " + System.currentTimeMillis() + "\n").getBytes(StandardCharsets.UTF_8),
					StandardOpenOption.CREATE,
					StandardOpenOption.APPEND, StandardOpenOption.WRITE);
		}

	}

}
