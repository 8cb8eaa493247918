package dev.kafkatask.benchmarks;

import java.util.List;
import java.util.Map;

import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskArgs;
import dev.kafkatask.task.TaskKwargs;

/**
 * The tasks of the benchmarks. Each records in the {@link TaskLedger} that it ran; the I/O task
 * first sleeps on its thread, like a task waiting for a slow downstream call.
 *
 * @author kafka-task
 */
public class BenchmarkTasks {

	/**
	 * Queue of the measured tasks.
	 */
	public static final String QUEUE = "bench";

	/**
	 * Queue of the baseline phase of the head-of-line scenario.
	 */
	public static final String BASELINE_QUEUE = "bench-baseline";

	/**
	 * Name of the task that sleeps.
	 */
	public static final String IO = "bench.io";

	/**
	 * Name of the task that does nothing.
	 */
	public static final String NOOP = "bench.noop";

	/**
	 * Name of the task of the fuzz scenario, which takes any arguments.
	 */
	public static final String FUZZ = "bench.fuzz";

	private final TaskLedger ledger;

	BenchmarkTasks(TaskLedger ledger) {
		this.ledger = ledger;
	}

	/**
	 * Sleep, then record that the task ran.
	 * @param phase the ledger phase
	 * @param id the task id in that phase
	 * @param sleepMs how long to sleep
	 * @throws InterruptedException if interrupted while sleeping (the worker stopping)
	 */
	@KafkaTask(name = IO, queue = QUEUE)
	public void io(int phase, int id, long sleepMs) throws InterruptedException {
		this.ledger.started(phase, id);
		if (sleepMs > 0) {
			Thread.sleep(sleepMs);
		}
		this.ledger.completed(phase, id);
	}

	/**
	 * Record that the task ran.
	 * @param phase the ledger phase
	 * @param id the task id in that phase
	 */
	@KafkaTask(name = NOOP, queue = QUEUE)
	public void noop(int phase, int id) {
		this.ledger.completed(phase, id);
	}

	/**
	 * Take any arguments and do nothing: what becomes of a fuzzed record depends only on
	 * its envelope.
	 * @param args the positional arguments
	 * @param kwargs the keyword arguments
	 */
	@KafkaTask(name = FUZZ, queue = QUEUE)
	public void fuzz(@TaskArgs List<Object> args, @TaskKwargs Map<String, Object> kwargs) {
	}

}
