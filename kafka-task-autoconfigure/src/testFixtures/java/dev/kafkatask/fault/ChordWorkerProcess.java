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
import dev.kafkatask.task.TaskContext;

/**
 * A kafka-task worker in a JVM of its own that runs the members and callback of chords,
 * for tests that kill one mid-chord. Each run appends a line to a journal file, written
 * straight through so that a {@code kill -9} loses no line of a finished task:
 * {@code member <task id> <index>} and {@code callback <task id> <results>}. Prints
 * {@code READY} once it has partitions.
 *
 * @author kafka-task
 */
public final class ChordWorkerProcess {

	private ChordWorkerProcess() {
	}

	public static void main(String[] args) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ChordWorkerApp.class)
			.web(WebApplicationType.NONE)
			.run(args);
		TaskWorker worker = context.getBean(TaskWorker.class);
		Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> !worker.getAssignment().isEmpty());
		System.out.println("READY " + worker.getAssignment().size());
		System.out.flush();
	}

	/**
	 * Start a worker process with the given Spring properties.
	 * @param log where the process writes its output
	 * @param properties {@code name=value} pairs
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	public static Process start(Path log, String... properties) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-Xmx256m");
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(ChordWorkerProcess.class.getName());
		for (String property : properties) {
			command.add("--" + property);
		}
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ChordWorkerApp {

		@Bean
		ChordTasks chordTasks(@Value("${worker.journal}") String journal) {
			return new ChordTasks(Path.of(journal));
		}

	}

	/**
	 * The tasks of chord worker processes.
	 */
	public static class ChordTasks {

		private final Path journal;

		ChordTasks(Path journal) {
			this.journal = journal;
		}

		@KafkaTask(name = "fault.square")
		public int square(int index, long millis, TaskContext context) throws IOException, InterruptedException {
			Thread.sleep(millis);
			write("member " + context.id() + " " + index);
			return index * index;
		}

		@KafkaTask(name = "fault.sum")
		public void sum(List<Integer> results, TaskContext context) throws IOException {
			write("callback " + context.id() + " " + results.toString().replace(" ", ""));
		}

		private void write(String line) throws IOException {
			// One write call per line: it survives the process being killed right after.
			Files.write(this.journal, (line + "\n").getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE,
					StandardOpenOption.APPEND, StandardOpenOption.WRITE);
		}

	}

}
