package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.autoconfigure.KafkaTaskProperties;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;

/**
 * {@code hol} (head of line): N fast tasks spread evenly over the partitions, dispatched by R
 * concurrent requests at a steady rate (or in a burst with {@code --rate 0}), first alone (the
 * baseline, on a queue of its own) and then behind one slow task at the head of each
 * partition. Reports the p99 of the fast tasks' latency, dispatch to completion, in both
 * phases. The run does not wait for the slow tasks: the context stops with a short shutdown
 * timeout once the fast tasks are done.
 *
 * @author kafka-task
 */
final class HeadOfLineScenario implements Scenario {

	@Override
	public Result run(BenchmarkRun run) throws Exception {
		BenchmarkOptions options = run.options();
		int tasks = options.tasksOr(10_000);
		int partitions = options.partitions();
		String[] keys = PartitionKeys.of(partitions);
		Map<String, Object> properties = Map.of("kafka-task.kafka.queues", BenchmarkTasks.BASELINE_QUEUE,
				"kafka-task.worker.queues", BenchmarkTasks.QUEUE + "," + BenchmarkTasks.BASELINE_QUEUE,
				"kafka-task.worker.shutdown-timeout", "1s", "bench.topics",
				run.topic(BenchmarkTasks.QUEUE) + "," + run.topic(BenchmarkTasks.BASELINE_QUEUE));
		try (ConfigurableApplicationContext context = run.workerContext(properties)) {
			TaskDispatcher dispatcher = context.getBean(TaskDispatcher.class);
			run.awaitAssignment(BenchmarkWorker.in(context, options.engine()), 2 * partitions);
			run.warmUp(dispatcher, BenchmarkTasks.BASELINE_QUEUE, tasks);

			run.say(String.format(Locale.ROOT, "baseline: %d fast tasks (%d ms) at %s, no slow task", tasks,
					options.fastMs(), (options.rateOr(2000) > 0) ? options.rateOr(2000) + " per second" : "once"));
			TaskLedger.Phase baseline = run.ledger().begin(tasks, tasks);
			Duration timeout = options.timeout();
			CpuUsage baselineCpu = new CpuUsage(options.bootstrapServers());
			fastTasks(run, dispatcher, baseline, BenchmarkTasks.BASELINE_QUEUE, keys, tasks, timeout, baselineCpu);
			Latencies baselineLatencies = new Latencies(baseline.latencies(0, tasks));
			run.writeTimeline(baseline, "-baseline");

			run.say(String.format(Locale.ROOT,
					"slow: one %d ms task at the head of each of %d partitions, then %d fast tasks", options.slowMs(),
					partitions, tasks));
			TaskLedger.Phase slow = run.ledger().begin(tasks + partitions, tasks);
			TaskOptions slowQueue = TaskOptions.none().withQueue(BenchmarkTasks.QUEUE);
			List<CompletableFuture<?>> slowSent = new ArrayList<>();
			for (int p = 0; p < partitions; p++) {
				int id = tasks + p;
				slow.dispatched(id);
				slowSent.add(dispatcher.dispatch(BenchmarkTasks.IO, List.of(slow.id(), id, options.slowMs()), Map.of(),
						slowQueue.withKey(keys[p])));
			}
			CompletableFuture.allOf(slowSent.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
			if (!BenchmarkRun.waitFor(() -> slow.started() >= partitions, Duration.ofSeconds(30))) {
				throw new IllegalStateException("Only " + slow.started() + " of " + partitions + " slow tasks started");
			}
			// Fast tasks behind a slow one wait for it in a partition-serial consumer: wait long enough.
			Duration slowTimeout = timeout.plusMillis(options.slowMs());
			Runnable stopProfile = run.profile();
			CpuUsage cpu = new CpuUsage(options.bootstrapServers());
			boolean done = fastTasks(run, dispatcher, slow, BenchmarkTasks.QUEUE, keys, tasks, slowTimeout, cpu);
			Result cpuUsed = cpu.addTo(new Result(), tasks);
			stopProfile.run();
			Latencies fastLatencies = new Latencies(slow.latencies(0, tasks));
			run.writeTimeline(slow, "-slow");
			double ratio = fastLatencies.percentileMs(99) / baselineLatencies.percentileMs(99);
			run.say(String.format(Locale.ROOT, "fast p99 %.1f ms with slow tasks, %.1f ms without (x%.2f)",
					fastLatencies.percentileMs(99), baselineLatencies.percentileMs(99), ratio));
			return new Result().put("tasks", tasks)
				.put("fastP99Ms", fastLatencies.percentileMs(99))
				.put("baselineP99Ms", baselineLatencies.percentileMs(99))
				.put("ratio", ratio)
				.put("fastP50Ms", fastLatencies.percentileMs(50))
				.put("baselineP50Ms", baselineLatencies.percentileMs(50))
				.put("fastMaxMs", fastLatencies.maxMs())
				.put("baselineMaxMs", baselineLatencies.maxMs())
				.put("completed", slow.awaitedCompleted())
				.put("lost", slow.lost(0, tasks))
				.put("duplicates", slow.duplicates(0, tasks) + baseline.duplicates(0, tasks))
				.put("timedOut", !done)
				.put("slowMs", options.slowMs())
				.put("fastMs", options.fastMs())
				.put("requests", options.requests())
				.put("rate", options.rateOr(2000))
				.put("maxInFlight", context.getBean(KafkaTaskProperties.class).getWorker().getMaxInFlight())
				.put("warmup", options.warmup())
				.putAll(cpuUsed);
		}
	}

	private static boolean fastTasks(BenchmarkRun run, TaskDispatcher dispatcher, TaskLedger.Phase phase, String queue,
			String[] keys, int tasks, Duration timeout, CpuUsage cpu) throws Exception {
		TaskOptions[] byPartition = new TaskOptions[keys.length];
		for (int p = 0; p < keys.length; p++) {
			byPartition[p] = TaskOptions.none().withQueue(queue).withKey(keys[p]);
		}
		long fastMs = run.options().fastMs();
		Load load = new Load(Math.min(run.options().requests(), tasks), tasks, 0, run.options().rateOr(2000));
		Runnable stopProgress = run.progress(() -> String.format(Locale.ROOT, "dispatched %d/%d, completed %d",
				load.sent(), tasks, phase.awaitedCompleted()));
		try {
			Load.Outcome sent = load.run((id) -> {
				phase.dispatched(id);
				return dispatcher.dispatch(BenchmarkTasks.IO, List.of(phase.id(), id, fastMs), Map.of(),
						byPartition[id % keys.length]);
			}, timeout);
			cpu.ended("dispatch-requests", sent.cpuSeconds());
			boolean done = phase.await(timeout);
			run.say(String.format(Locale.ROOT, "%d of %d fast tasks done in %.3f s", phase.awaitedCompleted(), tasks,
					Result.seconds(System.nanoTime() - sent.start())));
			return done;
		}
		finally {
			stopProgress.run();
		}
	}

}
