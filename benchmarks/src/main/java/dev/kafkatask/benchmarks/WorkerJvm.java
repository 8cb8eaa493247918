package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A {@link FaultWorker} in a JVM of its own, started by the {@code faults} scenario: its log,
 * its journal, and what it printed of its assignment.
 *
 * @author kafka-task
 */
final class WorkerJvm {

	private final String name;

	private final int slot;

	private final Path log;

	private final Path journal;

	private final Process process;

	private final LineTail logLines;

	private final List<Stats> stats = new ArrayList<>();

	private volatile int assigned;

	private volatile boolean ready;

	private WorkerJvm(String name, int slot, Path log, Path journal, Process process) {
		this.name = name;
		this.slot = slot;
		this.log = log;
		this.journal = journal;
		this.process = process;
		this.logLines = new LineTail(log);
	}

	/**
	 * Start a worker JVM.
	 * @param name its name, which also names its log and journal
	 * @param slot its place in the group (from 1), which a replacement takes over
	 * @param directory where its log and journal go
	 * @param properties its Spring properties
	 * @return the worker
	 * @throws IOException if it cannot be started
	 */
	static WorkerJvm start(String name, int slot, Path directory, Map<String, Object> properties)
			throws IOException {
		Path log = directory.resolve(name + ".log");
		Path journal = directory.resolve(name + ".journal");
		List<String> command = command();
		command.add("--bench.journal=" + journal);
		command.add("--bench.owner-pid=" + ProcessHandle.current().pid());
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
			.start();
		return new WorkerJvm(name, slot, log, journal, process);
	}

	/**
	 * Return the command that starts a worker JVM, the way this JVM was started: from the
	 * benchmarks jar, or from a class path (tests).
	 */
	private static List<String> command() {
		String java = ProcessHandle.current().info().command().orElse("java");
		String classPath = System.getProperty("java.class.path");
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m"));
		// a scenario run on C1 only (the smoke test) has its workers start as fast
		ManagementFactory.getRuntimeMXBean()
			.getInputArguments()
			.stream()
			.filter((argument) -> argument.startsWith("-XX:TieredStopAtLevel="))
			.forEach(command::add);
		if (BenchmarkMain.class.getClassLoader().getClass().getName().startsWith("org.springframework.boot.loader")) {
			command.addAll(List.of("-jar", Path.of(classPath).toAbsolutePath().toString()));
		}
		else {
			command.addAll(List.of("-cp", classPath, BenchmarkMain.class.getName()));
		}
		command.add(FaultWorker.COMMAND);
		return command;
	}

	String name() {
		return this.name;
	}

	int slot() {
		return this.slot;
	}

	Path journal() {
		return this.journal;
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Return how many partitions the worker said it has, last.
	 * @return the count
	 */
	int assigned() {
		refresh();
		return this.assigned;
	}

	/**
	 * Wait until the worker says it has partitions.
	 * @param timeout how long to wait
	 * @throws InterruptedException if interrupted
	 * @throws IllegalStateException if it exits or does not get partitions in time
	 */
	void awaitReady(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!refresh()) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("Worker " + this.name + " exited with status "
						+ this.process.exitValue() + " before it had partitions; its log ends with:\n" + tail(30));
			}
			if (System.nanoTime() - deadline > 0) {
				throw new IllegalStateException("Worker " + this.name + " has no partitions after " + timeout
						+ "; its log ends with:\n" + tail(30));
			}
			Thread.sleep(50);
		}
	}

	/**
	 * Return what the worker said of its heap and threads so far ({@code STATS} lines).
	 * @return the samples, oldest first
	 */
	synchronized List<Stats> stats() {
		refresh();
		return List.copyOf(this.stats);
	}

	private synchronized boolean refresh() {
		for (String line : this.logLines.newLines()) {
			if (line.startsWith("STATS ")) {
				String[] fields = line.trim().split(" ");
				this.stats.add(new Stats(Long.parseLong(fields[1]), Double.parseDouble(fields[2]),
						Integer.parseInt(fields[3]), Long.parseLong(fields[4]), Long.parseLong(fields[5])));
			}
			else if (line.startsWith("READY ")) {
				this.ready = true;
			}
			else if (line.startsWith("ASSIGNED ")) {
				this.assigned = Integer.parseInt(line.substring("ASSIGNED ".length()).trim());
			}
		}
		return this.ready;
	}

	/**
	 * Kill the JVM ({@code SIGKILL}) and wait until it is gone.
	 * @throws InterruptedException if interrupted
	 */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			throw new IllegalStateException("Worker " + this.name + " still runs 30 s after SIGKILL");
		}
	}

	/**
	 * Stop the JVM cleanly ({@code SIGTERM}: the worker finishes its tasks, commits and
	 * leaves the group), killing it if it takes longer than the timeout.
	 * @param timeout how long to wait
	 * @return whether it stopped by itself in time
	 * @throws InterruptedException if interrupted
	 */
	boolean stop(Duration timeout) throws InterruptedException {
		this.process.destroy();
		if (this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			return true;
		}
		kill();
		return false;
	}

	/**
	 * A sample of the worker's {@code STATS}.
	 *
	 * @param at when, epoch ms
	 * @param heapMb heap used after a full GC
	 * @param threads live platform threads
	 * @param rssMb resident set, or -1
	 * @param fds open file descriptors, or -1
	 */
	record Stats(long at, double heapMb, int threads, long rssMb, long fds) {
	}

	/**
	 * Return the last lines of the worker's log.
	 * @param lines how many
	 * @return the lines
	 */
	String tail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.log, StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(log unreadable: " + ex + ")";
		}
	}

}
