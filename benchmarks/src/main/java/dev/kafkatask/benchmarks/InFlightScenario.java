package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.kafka.worker.TaskWorker;

/**
 * {@code inflight}: heap per in-flight task. After a warm-up (so that the frames of sleeping
 * tasks are those of compiled code, as in a service that has run a while), N tasks that sleep
 * MS ms are dispatched while no worker runs; then, in a worker context whose container has not started, the heap is
 * measured after a forced GC, the container is started, and the heap is measured again
 * (after a forced GC) twice: once {@link TaskWorker#getInFlight()} reaches N (every
 * task launched on its virtual thread, not all of them run yet), and once every task has
 * started and sleeps — the figure reported as {@code heapBytesPerTask}, valid when no task
 * finished before it was taken. A class histogram of the growth says what holds the heap.
 *
 * @author kafka-task
 */
final class InFlightScenario implements Scenario {

	private static final int HISTOGRAM_CLASSES = 14;

	@Override
	public Result run(BenchmarkRun run) throws Exception {
		BenchmarkOptions options = run.options();
		if (options.engine() != Engine.KAFKA_TASK) {
			throw new IllegalArgumentException("inflight measures kafka-task's container only");
		}
		int tasks = options.tasksOr(100_000);
		int maxInFlight = (options.maxInFlight() != null) ? options.maxInFlight() : Math.max(256, tasks);
		run.warmUpInOwnContext();
		TaskLedger.Phase phase = run.ledger().begin(tasks, tasks);
		ThroughputScenario.preload(run, phase, tasks, (id) -> List.of(phase.id(), id, options.ioMs()),
				BenchmarkTasks.IO);
		Map<String, Object> properties = Map.of(BenchmarkApplication.WORKER_AUTO_STARTUP, false,
				"kafka-task.worker.max-in-flight", maxInFlight);
		try (ConfigurableApplicationContext context = run.workerContext(properties)) {
			TaskWorker container = context.getBean(TaskWorker.class);
			HeapHistogram histogramBefore = HeapHistogram.take();
			long before = BenchmarkRun.usedHeapAfterGc();
			run.say(String.format(Locale.ROOT, "heap before: %.1f MB; starting the worker", before / 1e6));
			long start = System.nanoTime();
			container.start();
			Duration limit = Duration.ofMillis(options.ioMs());

			boolean launched = BenchmarkRun.waitFor(() -> container.getInFlight() >= tasks, limit);
			double launchedSeconds = Result.seconds(System.nanoTime() - start);
			int inFlight = container.getInFlight();
			long duringLaunched = BenchmarkRun.usedHeapAfterGc();
			double perTaskLaunched = (double) (duringLaunched - before) / Math.max(1, inFlight);
			run.say(String.format(Locale.ROOT,
					"%d tasks in flight after %.2f s (%d of them started): %.0f bytes per task", inFlight,
					launchedSeconds, phase.started(), perTaskLaunched));

			boolean allStarted = BenchmarkRun.waitFor(() -> phase.started() >= tasks, limit);
			double startedSeconds = Result.seconds(System.nanoTime() - start);
			long during = BenchmarkRun.usedHeapAfterGc();
			HeapHistogram histogramDuring = HeapHistogram.take();
			int sleeping = phase.started() - phase.completed();
			boolean valid = allStarted && phase.completed() == 0;
			double perTask = (double) (during - before) / Math.max(1, sleeping);
			run.say(String.format(Locale.ROOT,
					"%d tasks started after %.2f s, %d finished; heap %.1f MB -> %.0f bytes per sleeping task%s",
					phase.started(), startedSeconds, phase.completed(), during / 1e6, perTask,
					valid ? "" : " (NOT all in flight at once: use a longer --io-ms)"));

			boolean done = phase.await(options.timeout());
			run.say(String.format(Locale.ROOT, "%d of %d tasks completed", phase.completed(), tasks));
			return new Result().put("tasks", tasks)
				.put("heapBytesPerTask", perTask)
				.put("allInFlight", valid)
				.put("heapBytesPerTaskLaunched", perTaskLaunched)
				.put("inFlightLaunched", inFlight)
				.put("secondsToAllLaunched", launched ? launchedSeconds : null)
				.put("secondsToAllStarted", allStarted ? startedSeconds : null)
				.put("heapBeforeBytes", before)
				.put("heapDuringBytes", during)
				.put("heapByClassPerTask", histogramDuring.growthPerTask(histogramBefore, Math.max(1, sleeping),
						HISTOGRAM_CLASSES))
				.put("ioMs", options.ioMs())
				.put("completed", phase.completed())
				.put("lost", phase.lost(0, tasks))
				.put("duplicates", phase.duplicates(0, tasks))
				.put("timedOut", !done)
				.put("maxInFlight", maxInFlight)
				.put("warmup", options.warmup());
		}
	}

}
