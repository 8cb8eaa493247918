package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker JVMs of the {@code faults} scenario, one consumer group: those running, and the
 * journals of every worker started so far (a dead worker's journal still holds what it ran).
 *
 * @author kafka-task
 */
final class WorkerGroup implements AutoCloseable {

	private final Path directory;

	private final Map<String, Object> properties;

	private final List<WorkerJvm> running = new ArrayList<>();

	private final Map<String, LineTail> journals = new LinkedHashMap<>();

	private int started;

	/**
	 * Create a group; it starts no worker yet.
	 * @param directory where the workers' logs and journals go
	 * @param properties the Spring properties of every worker
	 */
	WorkerGroup(Path directory, Map<String, Object> properties) {
		this.directory = directory;
		this.properties = Map.copyOf(properties);
	}

	/**
	 * Start workers together and wait until each has partitions.
	 * @param count how many
	 * @param timeout how long to wait for each
	 */
	synchronized void start(int count, Duration timeout) throws IOException, InterruptedException {
		List<WorkerJvm> workers = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			workers.add(launch());
		}
		for (WorkerJvm worker : workers) {
			worker.awaitReady(timeout);
		}
	}

	/**
	 * Start one worker and wait until it has partitions.
	 * @param timeout how long to wait
	 * @return the worker
	 */
	WorkerJvm startOne(Duration timeout) throws IOException, InterruptedException {
		WorkerJvm worker;
		synchronized (this) {
			worker = launch();
		}
		worker.awaitReady(timeout);
		return worker;
	}

	private WorkerJvm launch() throws IOException {
		String name = "w" + (++this.started);
		WorkerJvm worker = WorkerJvm.start(name, this.directory, this.properties);
		this.running.add(worker);
		this.journals.put(name, new LineTail(worker.journal()));
		return worker;
	}

	/**
	 * Return the running worker with the most partitions.
	 * @return the worker
	 */
	synchronized WorkerJvm mostAssigned() {
		return this.running.stream()
			.max(Comparator.comparingInt(WorkerJvm::assigned))
			.orElseThrow(() -> new IllegalStateException("No worker runs"));
	}

	synchronized List<WorkerJvm> running() {
		return List.copyOf(this.running);
	}

	/**
	 * Kill a worker ({@code SIGKILL}).
	 * @param worker the worker
	 */
	void kill(WorkerJvm worker) throws InterruptedException {
		worker.kill();
		synchronized (this) {
			this.running.remove(worker);
		}
	}

	/**
	 * Stop a worker cleanly, killing it after the timeout.
	 * @param worker the worker
	 * @param timeout how long it may take
	 * @return whether it stopped by itself in time
	 */
	boolean stop(WorkerJvm worker, Duration timeout) throws InterruptedException {
		boolean clean = worker.stop(timeout);
		synchronized (this) {
			this.running.remove(worker);
		}
		return clean;
	}

	/**
	 * Start workers until the given number run, forgetting those that exited.
	 * @param count how many should run
	 * @param timeout how long to wait for each
	 */
	void ensure(int count, Duration timeout) throws IOException, InterruptedException {
		int missing;
		synchronized (this) {
			this.running.removeIf((worker) -> !worker.isAlive());
			missing = count - this.running.size();
		}
		if (missing > 0) {
			start(missing, timeout);
		}
	}

	/**
	 * Give the lines the workers' journals gained to a ledger.
	 * @param ledger the ledger
	 */
	synchronized void feed(FaultLedger ledger) {
		this.journals.forEach((name, journal) -> {
			for (String line : journal.newLines()) {
				ledger.journal(name, line);
			}
		});
	}

	/**
	 * Return the last lines of every running worker's log.
	 * @param lines how many of each
	 * @return the lines, by worker
	 */
	synchronized String tails(int lines) {
		StringBuilder text = new StringBuilder();
		for (WorkerJvm worker : this.running) {
			text.append("--- ").append(worker.name()).append('\n').append(worker.tail(lines)).append('\n');
		}
		return text.toString();
	}

	/**
	 * Stop every worker together: {@code SIGTERM}, then {@code SIGKILL} after a minute.
	 */
	@Override
	public synchronized void close() {
		List<Thread> stopping = new ArrayList<>();
		for (WorkerJvm worker : this.running) {
			stopping.add(Thread.ofPlatform().start(() -> {
				try {
					worker.stop(Duration.ofSeconds(60));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
		}
		for (Thread thread : stopping) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				// the workers go on stopping; they exit when this JVM is gone anyway
				Thread.currentThread().interrupt();
				break;
			}
		}
		this.running.clear();
	}

}
