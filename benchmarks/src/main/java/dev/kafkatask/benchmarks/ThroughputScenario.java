package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

import org.apache.kafka.common.TopicPartition;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.autoconfigure.KafkaTaskProperties;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;

/**
 * {@code throughput}: after a warm-up in a worker context of its own, N no-op tasks are
 * dispatched while no worker runs (a context with {@code kafka-task.worker.enabled=false});
 * then a worker starts and the clock runs until
 * every task ran and the group's committed offsets reached the end of every partition.
 *
 * @author kafka-task
 */
final class ThroughputScenario implements Scenario {

	private static final int MAX_OUTSTANDING_DISPATCHES = 100_000;

	private static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(120);

	@Override
	public Result run(BenchmarkRun run) throws Exception {
		BenchmarkOptions options = run.options();
		int tasks = options.tasksOr(1_000_000);
		run.warmUpInOwnContext();
		TaskLedger.Phase phase = run.ledger().begin(tasks, tasks);
		Load.Outcome preload = preload(run, phase, tasks, (id) -> List.of(phase.id(), id), BenchmarkTasks.NOOP);
		String topic = run.topic(BenchmarkTasks.QUEUE);
		Map<TopicPartition, Long> ends = run.endOffsets(topic);
		long end = ends.values().stream().mapToLong(Long::longValue).sum();
		run.say(String.format(Locale.ROOT, "topic %s holds %d records (warm-up included)", topic, end));

		try (ConfigurableApplicationContext context = run
			.workerContext(Map.of(BenchmarkApplication.WORKER_AUTO_STARTUP, false))) {
			BenchmarkWorker worker = BenchmarkWorker.in(context, options.engine());
			AtomicLong committed = new AtomicLong();
			Runnable stopProfile = run.profile();
			CpuUsage cpu = new CpuUsage(run.options().bootstrapServers());
			long start = System.nanoTime();
			worker.start();
			boolean done;
			Runnable stopProgress = run.progress(() -> String.format(Locale.ROOT, "executed %d/%d (%d partitions)",
					phase.completed(), tasks, worker.assignment().size()));
			try {
				done = phase.await(options.timeout());
			}
			finally {
				stopProgress.run();
			}
			long executed = done ? phase.lastCompletion() : System.nanoTime();
			run.say(String.format(Locale.ROOT, "%d of %d executed in %.3f s; waiting for the commits",
					phase.completed(), tasks, Result.seconds(executed - start)));
			long committedAt = -1;
			long deadline = System.nanoTime() + COMMIT_TIMEOUT.toNanos();
			while (System.nanoTime() - deadline < 0) {
				committed.set(run.committed(ends.keySet()));
				if (committed.get() >= end) {
					committedAt = System.nanoTime();
					break;
				}
				Thread.sleep(10);
			}
			stopProfile.run();
			Result cpuUsed = cpu.addTo(new Result(), tasks);
			double seconds = Result.seconds(((committedAt >= 0) ? committedAt : System.nanoTime()) - start);
			run.say(String.format(Locale.ROOT, "committed %d of %d offsets after %.3f s", committed.get(), end,
					seconds));
			Result result = new Result().put("tasks", tasks)
				.put("tasksPerSecond", (committedAt >= 0) ? tasks / seconds : null)
				.put("seconds", seconds)
				.put("executedSeconds", Result.seconds(executed - start))
				.put("executedTasksPerSecond", tasks / Result.seconds(executed - start))
				.put("firstTaskSeconds", Result.seconds(phase.firstCompletion() - start))
				.put("steadyTasksPerSecond", tasks / Result.seconds(executed - phase.firstCompletion()))
				.put("commitLagSeconds", (committedAt >= 0) ? Result.seconds(committedAt - executed) : null)
				.put("completed", phase.completed())
				.put("lost", phase.lost(0, tasks))
				.put("duplicates", phase.duplicates(0, tasks))
				.put("committedOffsets", committed.get())
				.put("endOffsets", end)
				.put("timedOut", !done || committedAt < 0)
				.put("preloadSeconds", preload.ackSeconds())
				.put("dispatchTasksPerSecond",
						(preload.ackSeconds() != null) ? tasks / preload.ackSeconds() : null)
				.put("dispatchCpuMicrosPerTask", preload.cpuSeconds() * 1e6 / tasks)
				.put("warmup", options.warmup());
			result.putAll(cpuUsed);
			if (options.engine().isKafkaTask()) {
				KafkaTaskProperties.Worker settings = context.getBean(KafkaTaskProperties.class).getWorker();
				result.put("maxInFlight", settings.getMaxInFlight())
					.put("commitIntervalMs", settings.getCommitInterval().toMillis());
			}
			return result;
		}
	}

	/**
	 * Dispatch tasks with no worker running.
	 * @param run the run
	 * @param phase the ledger phase of the tasks
	 * @param tasks how many
	 * @param arguments the arguments of each task id
	 * @param task the task name
	 * @return when they were sent and acknowledged
	 * @throws Exception if dispatching failed
	 */
	static Load.Outcome preload(BenchmarkRun run, TaskLedger.Phase phase, int tasks,
			IntFunction<List<Object>> arguments, String task) throws Exception {
		BenchmarkOptions options = run.options();
		try (ConfigurableApplicationContext context = run.dispatcherContext(Map.of())) {
			TaskDispatcher dispatcher = context.getBean(TaskDispatcher.class);
			Load load = new Load(options.dispatchThreads(), tasks, MAX_OUTSTANDING_DISPATCHES);
			run.say(String.format(Locale.ROOT, "preloading %d tasks from %d threads, no worker running", tasks,
					options.dispatchThreads()));
			Load.Outcome sent;
			Runnable stopProgress = run
				.progress(() -> String.format(Locale.ROOT, "preloaded %d/%d", load.sent(), tasks));
			try {
				sent = load.run((id) -> {
					phase.dispatched(id);
					return dispatcher.dispatch(task, arguments.apply(id), Map.of(), TaskOptions.none());
				}, options.timeout());
			}
			finally {
				stopProgress.run();
			}
			if (sent.failures() > 0 || sent.ackSeconds() == null) {
				throw new IllegalStateException(sent.failures() + " of " + tasks + " dispatches failed");
			}
			run.say(String.format(Locale.ROOT, "preloaded %d tasks in %.2f s (%.0f dispatches/s)", tasks,
					sent.ackSeconds(), tasks / sent.ackSeconds()));
			return sent;
		}
	}

}
