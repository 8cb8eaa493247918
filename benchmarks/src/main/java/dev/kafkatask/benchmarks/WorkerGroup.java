package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;

/**
 * The worker JVMs of the {@code faults} scenario, one consumer group: those running, and the
 * journals of every worker started so far (a dead worker's journal still holds what it ran).
 * Each running worker has a slot, from 1: a worker started after one stopped takes the lowest
 * free slot, and with it the slot's own properties (its {@code group.instance.id}, the way a
 * Kubernetes StatefulSet's pod keeps its name, or its route to the brokers).
 *
 * @author kafka-task
 */
final class WorkerGroup implements AutoCloseable {

	private final Path directory;

	private final Map<String, Object> properties;

	private final IntFunction<Map<String, Object>> slotProperties;

	private final List<WorkerJvm> running = new ArrayList<>();

	private final Map<String, LineTail> journals = new LinkedHashMap<>();

	private int started;

	/**
	 * Create a group; it starts no worker yet.
	 * @param directory where the workers' logs and journals go
	 * @param properties the Spring properties of every worker
	 * @param slotProperties the properties of the worker in a slot, over those of every worker
	 */
	WorkerGroup(Path directory, Map<String, Object> properties, IntFunction<Map<String, Object>> slotProperties) {
		this.directory = directory;
		this.properties = Map.copyOf(properties);
		this.slotProperties = slotProperties;
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
		int slot = 1;
		while (inSlot(slot) != null) {
			slot++;
		}
		Map<String, Object> properties = new LinkedHashMap<>(this.properties);
		properties.putAll(this.slotProperties.apply(slot));
		WorkerJvm worker = WorkerJvm.start(name, slot, this.directory, properties);
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

	/**
	 * Return the running worker in a slot.
	 * @param slot the slot
	 * @return the worker, or {@code null} if none runs there
	 */
	synchronized @Nullable WorkerJvm inSlot(int slot) {
		return this.running.stream().filter((worker) -> worker.slot() == slot).findFirst().orElse(null);
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
