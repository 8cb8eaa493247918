package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * {@code rabbitmqctl} on this machine, each call bounded in time: stopping and starting the
 * RabbitMQ application (the Erlang node runs on), and reading a queue's counts.
 *
 * @author kafka-task
 */
final class Rabbitmqctl {

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration LIST_TIMEOUT = Duration.ofSeconds(30);

	private final String command;

	Rabbitmqctl(String command) {
		this.command = command;
	}

	/**
	 * Stop the RabbitMQ application: every connection is closed and the AMQP port refuses
	 * new ones; durable queues and persistent messages stay on disk.
	 * @throws IOException if it did not stop in time
	 */
	void stopApp() throws IOException, InterruptedException {
		run(STOP_TIMEOUT, "stop_app");
	}

	/**
	 * Start the RabbitMQ application and wait until it has started.
	 * @throws IOException if it did not start in time
	 */
	void startApp() throws IOException, InterruptedException {
		run(START_TIMEOUT, "start_app");
		run(START_TIMEOUT, "await_startup", "--timeout", Long.toString(START_TIMEOUT.toSeconds()));
	}

	/**
	 * Return a queue's messages ready, messages delivered and not acknowledged, and consumers.
	 * @param queue the queue, in the default virtual host
	 * @return the counts by name ({@code messages_ready}, {@code messages_unacknowledged},
	 * {@code consumers}), or {@code null} if the queue is not there or rabbitmqctl failed
	 */
	@Nullable Map<String, Long> queueCounts(String queue) {
		List<String> fields = List.of("messages_ready", "messages_unacknowledged", "consumers");
		List<String> args = new ArrayList<>(List.of("list_queues", "-q", "--no-table-headers", "name"));
		args.addAll(fields);
		String output;
		try {
			output = run(LIST_TIMEOUT, args.toArray(String[]::new));
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
		return parseQueueCounts(output, queue, fields);
	}

	/**
	 * Return the counts of a queue in {@code rabbitmqctl list_queues -q --no-table-headers
	 * name FIELD...} output.
	 */
	static @Nullable Map<String, Long> parseQueueCounts(String output, String queue, List<String> fields) {
		for (String line : output.split("\n")) {
			String[] columns = line.trim().split("\\s+");
			if (columns.length == fields.size() + 1 && columns[0].equals(queue)) {
				Map<String, Long> counts = new LinkedHashMap<>();
				try {
					for (int i = 0; i < fields.size(); i++) {
						counts.put(fields.get(i), Long.parseLong(columns[i + 1]));
					}
				}
				catch (NumberFormatException ex) {
					return null;
				}
				return counts;
			}
		}
		return null;
	}

	private String run(Duration timeout, String... args) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(this.command);
		command.addAll(List.of(args));
		Path file = Files.createTempFile("rabbitmqctl", ".out");
		String output;
		try {
			// to a file: a full pipe would block it
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(file.toFile())
				.start();
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
				throw new IOException(String.join(" ", command) + " did not finish within " + timeout);
			}
			output = Files.readString(file, StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IOException(
						String.join(" ", command) + " failed (" + process.exitValue() + "): " + output.trim());
			}
		}
		finally {
			Files.deleteIfExists(file);
		}
		return output;
	}

}
