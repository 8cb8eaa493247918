package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.kafka.listener.TaskListenerContainer;

/**
 * {@code inflight}: heap per in-flight task. N tasks that sleep MS ms are dispatched while no
 * worker runs; then, in a worker context whose container has not started, the heap is
 * measured after a forced GC, the container is started, and once all N tasks are in flight
 * ({@link TaskListenerContainer#getInFlight()}) the heap is measured again.
 *
 * @author kafka-task
 */
final class InFlightScenario implements Scenario {

	@Override
	public Result run(BenchmarkRun run) throws Exception {
		BenchmarkOptions options = run.options();
		if (options.engine() != Engine.KAFKA_TASK) {
			throw new IllegalArgumentException("inflight measures kafka-task's container only");
		}
		int tasks = options.tasksOr(100_000);
		int maxInFlight = (options.maxInFlight() != null) ? options.maxInFlight() : Math.max(256, tasks);
		TaskLedger.Phase phase = run.ledger().begin(tasks, tasks);
		ThroughputScenario.preload(run, phase, tasks, (id) -> List.of(phase.id(), id, options.ioMs()),
				BenchmarkTasks.IO);
		try (ConfigurableApplicationContext context = run.workerContext(
				Map.of(BenchmarkApplication.WORKER_AUTO_STARTUP, false, "kafka-task.worker.max-in-flight", maxInFlight))) {
			TaskListenerContainer container = context.getBean(TaskListenerContainer.class);
			long before = BenchmarkRun.usedHeapAfterGc();
			run.say(String.format(Locale.ROOT, "heap before: %.1f MB; starting the worker", before / 1e6));
			long start = System.nanoTime();
			container.start();
			int[] peak = new int[1];
			boolean all = BenchmarkRun.waitFor(() -> {
				peak[0] = Math.max(peak[0], container.getInFlight());
				return peak[0] >= tasks;
			}, Duration.ofMillis(options.ioMs()));
			double reached = Result.seconds(System.nanoTime() - start);
			int inFlightBefore = container.getInFlight();
			long during = BenchmarkRun.usedHeapAfterGc();
			int inFlightAfter = container.getInFlight();
			double perTask = (double) (during - before) / inFlightBefore;
			run.say(String.format(Locale.ROOT,
					"%d tasks in flight after %.2f s; heap %.1f MB -> %.0f bytes per task (%d in flight after GC)",
					inFlightBefore, reached, during / 1e6, perTask, inFlightAfter));
			boolean done = phase.await(options.timeout());
			run.say(String.format(Locale.ROOT, "%d of %d tasks completed", phase.completed(), tasks));
			return new Result().put("tasks", tasks)
				.put("heapBytesPerTask", perTask)
				.put("allInFlight", all && inFlightAfter == tasks)
				.put("inFlightMeasured", inFlightBefore)
				.put("inFlightAfterGc", inFlightAfter)
				.put("secondsToAllInFlight", all ? reached : null)
				.put("heapBeforeBytes", before)
				.put("heapDuringBytes", during)
				.put("ioMs", options.ioMs())
				.put("completed", phase.completed())
				.put("lost", phase.lost(0, tasks))
				.put("duplicates", phase.duplicates(0, tasks))
				.put("timedOut", !done)
				.put("maxInFlight", maxInFlight);
		}
	}

}
