package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;

/**
 * {@code table}: R concurrent requests (threads) each dispatch J tasks that sleep MS ms, with
 * the worker already running, assigned and warmed up (with the spring-kafka engine the
 * requests write the tasks' records with a {@link RawTaskProducer} instead of dispatching them); measured from the first dispatch to the
 * last completion, counting lost and duplicate tasks. With {@code --repeat K} the measured
 * burst runs K times in the same JVM; the result is the last one's, with every round's time.
 *
 * @author kafka-task
 */
final class TableScenario implements Scenario {

	private static final Duration SETTLE = Duration.ofSeconds(1);

	@Override
	public Result run(BenchmarkRun run) throws Exception {
		BenchmarkOptions options = run.options();
		int tasks = options.jobs() * options.requests();
		int maxInFlight = (options.maxInFlight() != null) ? options.maxInFlight() : Math.max(256, tasks);
		try (ConfigurableApplicationContext context = run
			.workerContext(Map.of("kafka-task.worker.max-in-flight", maxInFlight))) {
			run.awaitAssignment(BenchmarkWorker.in(context, options.engine()), options.partitions());
			RawTaskProducer raw = (options.engine() == Engine.SPRING_KAFKA)
					? new RawTaskProducer(options.bootstrapServers(), run.topic(BenchmarkTasks.QUEUE), BenchmarkTasks.QUEUE)
					: null;
			TaskSender sender = (raw != null) ? raw
					: TaskSender.of(context.getBean(TaskDispatcher.class), TaskOptions.none());
			Result result;
			List<@Nullable Object> secondsByRound = new ArrayList<>();
			try {
				run.warmUp(sender, tasks);
				result = measure(run, sender, tasks);
				secondsByRound.add(result.get("seconds"));
				for (int round = 2; round <= options.repeat(); round++) {
					run.say("round " + round + " of " + options.repeat());
					result = measure(run, sender, tasks);
					secondsByRound.add(result.get("seconds"));
				}
			}
			finally {
				if (raw != null) {
					raw.close();
				}
			}
			return result.put("maxInFlight", maxInFlight)
				.put("dispatchedBy", (raw != null) ? "kafka-producer" : "task-dispatcher")
				.put("warmup", options.warmup())
				.put("rounds", options.repeat())
				.put("secondsByRound", secondsByRound)
				.put("strays", run.ledger().strays());
		}
	}

	private static Result measure(BenchmarkRun run, TaskSender sender, int tasks) throws Exception {
		BenchmarkOptions options = run.options();
		TaskLedger.Phase phase = run.ledger().begin(tasks, tasks);
		Load load = new Load(options.requests(), tasks, 0);
		run.say(String.format(Locale.ROOT, "%d requests x %d tasks, each sleeping %d ms", options.requests(),
				options.jobs(), options.ioMs()));
		Load.Outcome sent;
		boolean done;
		Runnable stopProfile = run.profile();
		CpuUsage cpu = new CpuUsage(run.options().bootstrapServers());
		Runnable stopProgress = run.progress(() -> String.format(Locale.ROOT,
				"dispatched %d/%d, started %d, completed %d", load.sent(), tasks, phase.started(),
				phase.completed()));
		try {
			sent = load.run((id) -> {
				phase.dispatched(id);
				return sender.send(BenchmarkTasks.IO, List.of((long) phase.id(), (long) id, options.ioMs()));
			}, options.timeout());
			run.say(String.format(Locale.ROOT, "all dispatched in %.3f s, acknowledged after %s s",
					sent.sendSeconds(), sent.ackSeconds()));
			done = phase.await(options.timeout().minusNanos(System.nanoTime() - sent.start()));
		}
		finally {
			stopProgress.run();
			stopProfile.run();
		}
		long end = done ? phase.lastCompletion() : System.nanoTime();
		double seconds = Result.seconds(end - sent.start());
		Result cpuUsed = cpu.ended("dispatch-requests", sent.cpuSeconds()).addTo(new Result(), tasks);
		run.say(String.format(Locale.ROOT, "%s: %d of %d tasks completed in %.3f s", done ? "done" : "timed out",
				phase.completed(), tasks, seconds));
		Thread.sleep(SETTLE.toMillis());
		run.writeTimeline(phase, "");
		Latencies latencies = new Latencies(phase.latencies(0, tasks));
		Latencies startLatencies = new Latencies(phase.startLatencies(0, tasks));
		Result result = new Result().put("tasks", tasks)
			.put("seconds", seconds)
			.put("completed", phase.completed())
			.put("lost", phase.lost(0, tasks))
			.put("duplicates", phase.duplicates(0, tasks))
			.put("timedOut", !done)
			.put("jobs", options.jobs())
			.put("requests", options.requests())
			.put("ioMs", options.ioMs())
			.put("dispatchSeconds", sent.sendSeconds())
			.put("ackSeconds", sent.ackSeconds())
			.put("dispatchFailures", sent.failures())
			.put("dispatchCpuSeconds", sent.cpuSeconds())
			.put("p50Ms", latencies.percentileMs(50))
			.put("p99Ms", latencies.percentileMs(99))
			.put("maxMs", latencies.maxMs())
			.put("startP50Ms", startLatencies.percentileMs(50))
			.put("startP99Ms", startLatencies.percentileMs(99))
			.put("lastStartSeconds", Result.seconds(phase.lastStart() - sent.start()))
			.putAll(cpuUsed);
		if (!done && phase.completed() > 0) {
			result.put("projectedSeconds", seconds * tasks / phase.completed());
		}
		return result;
	}

}
