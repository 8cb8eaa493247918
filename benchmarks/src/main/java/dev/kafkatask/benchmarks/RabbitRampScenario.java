package dev.kafkatask.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.autoconfigure.KafkaTaskProperties;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.OnUnavailable;

/**
 * {@code rabbit-faults}: issue 13's scenario 5. A queue of its own is routed to RabbitMQ and
 * ramped to Kafka ({@code ramp.percent}, 50 by default, sticky by task id); one JVM, this one,
 * dispatches a steady stream into it through {@link TaskDispatcher}, and worker JVMs of one
 * group ({@link FaultWorker}) run it from both legs: each consumes the Kafka topic and the
 * RabbitMQ queue. While the stream runs, RabbitMQ restarts: {@code rabbitmqctl stop_app},
 * held {@code --hold-s}, {@code start_app} (or a {@link TcpProxy} between every client and
 * RabbitMQ drops and refuses connections as long). One restart per {@code on-unavailable}
 * policy of the route ({@code fail}, {@code kafka}), each printing one JSON line: what was
 * dispatched, acknowledged, failed (with the errors callers saw), run, run twice (and the
 * bound it is held to), by leg; the longest gap between completions and the time until they
 * were back at the pre-fault rate; when the workers' RabbitMQ consumers were back; and what
 * the queue holds at the end (ready, unacknowledged, dead letters). The queue, its dead
 * letters and its delay tiers are named after the run and deleted at the end. RabbitMQ is
 * started again whatever happens. See docs/reliability.md.
 *
 * @author kafka-task
 */
final class RabbitRampScenario implements Scenario {

	private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration CONSUMERS_TIMEOUT = Duration.ofSeconds(60);

	/**
	 * Time kept for the drain at the end of a restart.
	 */
	private static final Duration DRAIN_RESERVE = Duration.ofSeconds(40);

	/**
	 * Time the drain gets at least, even past the restart's deadline.
	 */
	private static final Duration MIN_DRAIN = Duration.ofSeconds(30);

	/**
	 * How long the run keeps reading journals after the drain, for late second runs.
	 */
	private static final Duration SETTLE = Duration.ofSeconds(2);

	/**
	 * How long the queue may take to be empty once every acknowledged task ran.
	 */
	private static final Duration QUEUE_SETTLE_TIMEOUT = Duration.ofSeconds(30);

	private static final String FAULT = "rabbitmq-restart";

	/**
	 * Tasks parked on RabbitMQ across the restart.
	 */
	private static final int PARKED = 500;

	private volatile @Nullable FaultLedger current;

	@Override
	public Result run(BenchmarkRun run) throws Exception {
		BenchmarkOptions options = run.options();
		FaultOptions faults = options.faults();
		RabbitRampOptions rabbit = options.rabbit();
		if (options.engine() != Engine.KAFKA_TASK) {
			throw new IllegalArgumentException("rabbit-faults runs kafka-task's worker only");
		}
		long deadline = System.nanoTime() + options.timeout().toNanos();
		String queue = run.groupId();
		String topic = run.topic(queue);
		Path workDirectory = rabbit.workDirectory();
		Path work = (workDirectory != null) ? Files.createDirectories(workDirectory.toAbsolutePath().resolve(queue))
				: Files.createTempDirectory("kafka-task-" + queue);
		int rate = options.rateOr(200);
		run.say("queue " + queue + " on RabbitMQ " + rabbit.host() + ":" + rabbit.port() + " ramped "
				+ rabbit.rampPercent() + " % to Kafka topic " + topic + "; restarts by " + rabbit.restart().id()
				+ "; workers' logs and journals in " + work);
		Rabbitmqctl rabbitmqctl = new Rabbitmqctl(rabbit.rabbitmqctl());
		RabbitRunQueues queues = new RabbitRunQueues(queue, rabbit, rabbitmqctl);
		TcpProxy proxy = null;
		int proxyPort = 0;
		if (rabbit.restart() == RabbitRampOptions.Restart.PROXY) {
			if (!InetAddress.getByName(rabbit.host()).isLoopbackAddress()) {
				throw new IllegalArgumentException(
						"--restart proxy needs RabbitMQ on the loopback interface, not " + rabbit.host());
			}
			proxyPort = TcpProxy.freePort();
			proxy = TcpProxy.start(List.of(new TcpProxy.Route(proxyPort, rabbit.port())));
		}
		RabbitOutage outage = (proxy != null) ? RabbitOutage.proxyCut(proxy) : RabbitOutage.stopApp(rabbitmqctl);
		ScheduledExecutorService feeder = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("faults-journals").daemon(true).factory());
		Clients clients = (proxy != null) ? new Clients("127.0.0.1", proxyPort)
				: new Clients(rabbit.host(), rabbit.port());
		try {
			String version = queues.serverVersion();
			List<Result> results = new ArrayList<>();
			Map<String, Object> afterStop;
			try (WorkerGroup workers = new WorkerGroup(work, workerProperties(run, queues, clients),
					(slot) -> Map.of());
					CommitSampler sampler = new CommitSampler(options.bootstrapServers(), run.groupId(), topic,
							() -> this.current)) {
				long t0 = System.nanoTime();
				workers.start(faults.workers(), READY_TIMEOUT);
				int expectedConsumers = faults.workers() * rabbitConcurrency(options);
				long consumersAt = queues.awaitConsumers(expectedConsumers,
						System.nanoTime() + CONSUMERS_TIMEOUT.toNanos());
				if (consumersAt == 0) {
					throw new IllegalStateException("The workers' RabbitMQ consumers of " + queue + " are not all "
							+ "there after " + CONSUMERS_TIMEOUT + ": " + queues.consumers() + " of "
							+ expectedConsumers + "\nworkers' logs:\n" + workers.tails(15));
				}
				run.say(String.format(Locale.ROOT,
						"%d workers have partitions and %d RabbitMQ consumers after %.1f s", faults.workers(),
						expectedConsumers, Result.seconds(System.nanoTime() - t0)));
				feeder.scheduleWithFixedDelay(() -> {
					FaultLedger ledger = this.current;
					if (ledger != null) {
						workers.feed(ledger);
					}
				}, 100, 100, TimeUnit.MILLISECONDS);
				int index = 0;
				for (OnUnavailable policy : rabbit.policies()) {
					if (System.nanoTime() - deadline > 0) {
						throw new IllegalStateException("The run's --timeout-s is up before policy " + policy);
					}
					Phase phase = new Phase(policy, ++index, workers, queues, outage, clients, rate,
							expectedConsumers, version);
					Result result;
					try {
						result = runPhase(run, phase);
					}
					catch (Exception ex) {
						run.say("restart with on-unavailable " + policy + " failed: " + ex + "\nworkers' logs:\n"
								+ workers.tails(15));
						throw ex;
					}
					finally {
						this.current = null;
					}
					results.add(result);
					System.out.println(result.toJson());
					System.out.flush();
					if (queues.awaitConsumers(expectedConsumers, System.nanoTime() + CONSUMERS_TIMEOUT.toNanos()) == 0) {
						throw new IllegalStateException("The workers' RabbitMQ consumers are not all back after "
								+ CONSUMERS_TIMEOUT + ": " + queues.consumers() + " of " + expectedConsumers);
					}
				}
				// Stopping the workers closes their channels: what they held unacknowledged goes
				// back to the queue, so that the queue holds all that is left.
				workers.close();
				afterStop = queues.state();
				return summary(results, afterStop, sampler);
			}
		}
		finally {
			feeder.shutdownNow();
			// RabbitMQ runs again, whatever happened: a no-op unless a restart was interrupted
			outage.ensureEnded();
			try {
				run.say("deleted " + queues.delete());
			}
			catch (RuntimeException ex) {
				run.say("could not delete the run's queues and exchanges on RabbitMQ: " + ex);
			}
			queues.close();
			if (proxy != null) {
				proxy.close();
			}
		}
	}

	private Result runPhase(BenchmarkRun run, Phase phase) throws Exception {
		FaultOptions faults = run.options().faults();
		long phaseStart = System.nanoTime();
		// the stream runs the steady part, the parking (up to a minute), then the fault
		int capacity = (int) Math.min(Integer.MAX_VALUE - 8,
				(long) phase.rate() * faults.steady().plus(faults.faultTimeout()).plusMinutes(1).toSeconds());
		String policy = phase.policy().name().toLowerCase(Locale.ROOT);
		FaultLedger ledger = new FaultLedger(FAULT + "-" + policy + "#" + phase.index(), capacity,
				run.options().partitions());
		FaultEvents events = new FaultEvents();
		run.say("on-unavailable " + policy + ": " + phase.rate() + " tasks/s for " + faults.steady().toSeconds()
				+ " s, then RabbitMQ restarts (" + phase.outage().method() + ", " + faults.hold().toSeconds()
				+ " s down)");
		try (ConfigurableApplicationContext dispatcher = dispatcherContext(run, phase)) {
			Map<String, Object> settings = settings(run, dispatcher, phase);
			this.current = ledger;
			SteadyStream stream = new SteadyStream(dispatcher.getBean(TaskDispatcher.class), FaultWorker.TASK,
					phase.queues().queue(), ledger, phase.rate(), faults.taskMs());
			Runnable stopProgress = run.progress(ledger::progress);
			long faultAt;
			long phaseDeadline;
			long restoredAt;
			long consumersBackAt;
			long recoveredAt;
			long streamStop;
			double loadAtFault;
			Map<String, Object> queueAtFault;
			Map<String, Object> parked;
			try {
				Thread.sleep(faults.steady());
				parked = park(dispatcher.getBean(TaskDispatcher.class), phase);
				queueAtFault = phase.queues().state();
				loadAtFault = loadAverage();
				faultAt = System.currentTimeMillis();
				// The fault's time counts from the outage: starting the dispatcher, the steady
				// stream and parking are not the fault's, and on a loaded machine (CI saw a load
				// of 9 on 2 cores) they took the whole of it before RabbitMQ was even stopped
				phaseDeadline = System.nanoTime() + faults.faultTimeout().toNanos();
				try {
					phase.outage().begin();
					events.add(System.currentTimeMillis(), "RabbitMQ down (" + phase.outage().method() + ")");
					FaultWaits.sleepUntilMillis(faultAt + faults.hold().toMillis());
				}
				finally {
					events.add(System.currentTimeMillis(), "starting RabbitMQ again");
					phase.outage().end();
				}
				restoredAt = System.currentTimeMillis();
				events.add(restoredAt, "RabbitMQ serves again");
				parked.put("inQueueAfterRestart", phase.queues().messages(phase.queues().parked()));
				consumersBackAt = phase.queues().awaitConsumers(phase.expectedConsumers(),
						phaseDeadline - DRAIN_RESERVE.toNanos());
				events.add((consumersBackAt > 0) ? consumersBackAt : System.currentTimeMillis(),
						(consumersBackAt > 0) ? "every worker's RabbitMQ consumers are back"
								: "the workers' RabbitMQ consumers are not all back by the deadline: "
										+ phase.queues().consumers());
				double preFaultRate = ledger.preFaultRate(
						new FaultLedger.Window(stream.startedAt(), faultAt, restoredAt, restoredAt, restoredAt),
						phase.rate());
				recoveredAt = FaultWaits.awaitRecovered(ledger, preFaultRate, restoredAt,
						phaseDeadline - DRAIN_RESERVE.toNanos());
				if (recoveredAt > 0) {
					events.add(recoveredAt, "completions back at the pre-fault rate, nothing acknowledged waits");
					FaultWaits.sleepUntil(Math.min(System.nanoTime() + faults.afterRecovery().toNanos(),
							phaseDeadline - DRAIN_RESERVE.toNanos()));
				}
				else {
					events.add(System.currentTimeMillis(), "completions not back by the deadline");
				}
			}
			finally {
				streamStop = stream.stop();
			}
			events.add(streamStop, "stream stopped");
			boolean drained = FaultWaits.awaitDrained(phase.workers(), ledger,
					Math.max(phaseDeadline, System.nanoTime() + MIN_DRAIN.toNanos()));
			events.add(System.currentTimeMillis(), drained ? "drained: every acknowledged task ran"
					: "not drained by the deadline");
			Thread.sleep(SETTLE);
			stopProgress.run();
			phase.workers().feed(ledger);
			Map<String, Object> queueState = phase.queues()
				.awaitSettled(System.nanoTime() + QUEUE_SETTLE_TIMEOUT.toNanos());
			long end = System.currentTimeMillis();
			FaultLedger.Window window = new FaultLedger.Window(stream.startedAt(), faultAt, restoredAt, streamStop,
					end);
			int workers = phase.workers().running().size();
			int kafkaInFlight = workers * ((Number) settings.get("maxInFlight")).intValue();
			int rabbitUnacked = workers * ((Number) settings.get("rabbitmq.concurrency")).intValue()
					* ((Number) settings.get("rabbitmq.prefetch")).intValue();
			Result result = new Result().put("scenario", "rabbit-faults")
				.put("fault", FAULT)
				.put("restart", phase.outage().method())
				.put("onUnavailable", policy);
			result.putAll(ledger.figures(window, kafkaInFlight + rabbitUnacked, phase.rate()));
			Map<String, Map<String, Object>> legs = ledger.legs(window);
			// a RabbitMQ message runs again only if it was delivered and not acknowledged when
			// its connection dropped: at most every consumer's prefetch
			legs.get("rabbitmq").put("ranTwiceBound", rabbitUnacked);
			legs.get("kafka").put("ranTwiceBound", ((Number) result.get("uncommittedFinishedMax")).intValue()
					+ kafkaInFlight);
			boolean settled = Boolean.TRUE.equals(queueState.get("settled"));
			result.put("legs", legs)
				.put("rabbitConsumersBackAfterRestoreS", (consumersBackAt > 0) ? (consumersBackAt - restoredAt) / 1000.0
						: null)
				.put("parked", parked)
				.put("queueAtFault", queueAtFault)
				.put("queueAtEnd", queueState)
				.put("settled", settled)
				.put("loadAverageAtFault", loadAtFault)
				.put("loadAverageAtEnd", loadAverage())
				.put("recovered", recoveredAt > 0)
				.put("drained", drained)
				.put("timedOut", recoveredAt <= 0 || !drained || consumersBackAt <= 0)
				.put("seconds", Result.seconds(System.nanoTime() - phaseStart))
				.put("events", events.relativeTo(faultAt))
				.put("settings", settings);
			return result;
		}
	}

	/**
	 * Dispatch {@link #PARKED} tasks through kafka-task to a queue on RabbitMQ that no worker
	 * consumes, and wait for RabbitMQ's confirms: kafka-task declares the queue (durable) and
	 * publishes persistent messages, so that all of them are still there once RabbitMQ has
	 * restarted ({@code inQueueAfterRestart}, read then).
	 */
	private static Map<String, Object> park(TaskDispatcher dispatcher, Phase phase) throws InterruptedException {
		String queue = phase.queues().parked();
		TaskOptions options = TaskOptions.none().withQueue(queue);
		List<CompletableFuture<DispatchReceipt>> dispatches = new ArrayList<>();
		for (int id = 0; id < PARKED; id++) {
			dispatches.add(dispatcher.dispatch(FaultWorker.TASK, List.of("parked", id, 0), Map.of(), options));
		}
		int confirmed = 0;
		for (CompletableFuture<DispatchReceipt> dispatch : dispatches) {
			try {
				confirmed += (dispatch.get(30, TimeUnit.SECONDS).backend() == Backend.RABBITMQ) ? 1 : 0;
			}
			catch (ExecutionException | TimeoutException ex) {
				// not confirmed: not counted
			}
		}
		Map<String, Object> parked = new LinkedHashMap<>();
		parked.put("queue", queue);
		parked.put("confirmed", confirmed);
		parked.put("inQueueBeforeRestart", phase.queues().messages(queue));
		return parked;
	}

	private static Map<String, Object> rabbitProperties(RabbitRampOptions rabbit, RabbitRunQueues queues,
			Clients clients, OnUnavailable policy) {
		Map<String, Object> properties = new LinkedHashMap<>();
		// application.properties switches the RabbitMQ leg off for every other benchmark
		properties.put("kafka-task.rabbitmq.enabled", true);
		properties.put("spring.autoconfigure.exclude", "");
		properties.put("spring.rabbitmq.host", clients.host());
		properties.put("spring.rabbitmq.port", clients.port());
		properties.put("spring.rabbitmq.username", rabbit.username());
		properties.put("spring.rabbitmq.password", rabbit.password());
		String route = "kafka-task.routing.queues.[" + queues.queue() + "].";
		properties.put(route + "backend", "rabbitmq");
		properties.put(route + "ramp.to", "kafka");
		properties.put(route + "ramp.percent", rabbit.rampPercent());
		properties.put(route + "on-unavailable", policy.name().toLowerCase(Locale.ROOT));
		// no worker consumes it: what it holds when RabbitMQ stops must be there after
		properties.put("kafka-task.routing.queues.[" + queues.parked() + "].backend", "rabbitmq");
		properties.put("kafka-task.rabbitmq.dead-letter-exchange", queues.deadLetterExchange());
		properties.put("kafka-task.rabbitmq.delay-prefix", queues.delayPrefix());
		return properties;
	}

	private static Map<String, Object> baseProperties(BenchmarkRun run) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "kafka-task-rabbit-faults");
		properties.put("spring.kafka.bootstrap-servers", run.options().bootstrapServers());
		properties.put("kafka-task.kafka.topic-prefix", run.topic(""));
		properties.put("kafka-task.kafka.partitions", run.options().partitions());
		// one broker will do: the fault is RabbitMQ's (--property overrides it for a cluster)
		properties.put("kafka-task.kafka.replication-factor", 1);
		properties.put("kafka-task.worker.group-id", run.groupId());
		if (run.options().maxInFlight() != null) {
			properties.put("kafka-task.worker.max-in-flight", run.options().maxInFlight());
		}
		return properties;
	}

	private static Map<String, Object> workerProperties(BenchmarkRun run, RabbitRunQueues queues, Clients clients) {
		RabbitRampOptions rabbit = run.options().rabbit();
		Map<String, Object> properties = baseProperties(run);
		properties.putAll(rabbitProperties(rabbit, queues, clients, rabbit.policies().get(0)));
		// both legs of the queue: its Kafka topic and its RabbitMQ queue
		properties.put("kafka-task.worker.queues", queues.queue());
		properties.put("kafka-task.rabbitmq.queues", queues.queue());
		properties.put("logging.level.dev.kafkatask", "info");
		properties.put("bench.max-lifetime-s", run.options().timeout().toSeconds() + 120);
		properties.putAll(run.options().properties());
		return properties;
	}

	/**
	 * Start the dispatching application: the worker's, with the worker off and no RabbitMQ
	 * consumer, on the restart's policy.
	 */
	private static ConfigurableApplicationContext dispatcherContext(BenchmarkRun run, Phase phase) {
		Map<String, Object> properties = baseProperties(run);
		properties.putAll(rabbitProperties(run.options().rabbit(), phase.queues(), phase.clients(), phase.policy()));
		properties.put("kafka-task.worker.enabled", false);
		properties.putAll(run.options().properties());
		List<String> args = new ArrayList<>();
		properties.forEach((name, value) -> args.add("--" + name + "=" + value));
		return new SpringApplicationBuilder(FaultWorker.FaultApplication.class).bannerMode(Banner.Mode.OFF)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.run(args.toArray(String[]::new));
	}

	private static int rabbitConcurrency(BenchmarkOptions options) {
		String configured = options.properties().get("kafka-task.rabbitmq.concurrency");
		return (configured != null) ? Integer.parseInt(configured.trim())
				: new KafkaTaskProperties().getRabbitmq().getConcurrency();
	}

	/**
	 * Return the settings the restart ran with, as the dispatcher has them (the workers have
	 * the same properties).
	 */
	private static Map<String, Object> settings(BenchmarkRun run, ConfigurableApplicationContext dispatcher,
			Phase phase) {
		FaultOptions faults = run.options().faults();
		RabbitRampOptions rabbit = run.options().rabbit();
		KafkaTaskProperties properties = dispatcher.getBean(KafkaTaskProperties.class);
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("rate", phase.rate());
		settings.put("taskMs", faults.taskMs());
		settings.put("workers", faults.workers());
		settings.put("partitions", run.options().partitions());
		settings.put("steadySeconds", faults.steady().toSeconds());
		settings.put("afterRecoverySeconds", faults.afterRecovery().toSeconds());
		settings.put("holdSeconds", faults.hold().toSeconds());
		settings.put("restart", phase.outage().method());
		settings.put("rampPercent", rabbit.rampPercent());
		settings.put("onUnavailable", phase.policy().name().toLowerCase(Locale.ROOT));
		settings.put("queue", phase.queues().queue());
		settings.put("rabbitmqVersion", phase.rabbitmqVersion());
		settings.put("maxInFlight", properties.getWorker().getMaxInFlight());
		settings.put("commitInterval", properties.getWorker().getCommitInterval().toString());
		settings.put("rabbitmq.concurrency", properties.getRabbitmq().getConcurrency());
		settings.put("rabbitmq.prefetch", properties.getRabbitmq().getPrefetch());
		settings.put("rabbitmq.probeInterval", properties.getRabbitmq().getProbeInterval().toString());
		settings.put("rabbitmq.shutdownTimeout", properties.getRabbitmq().getShutdownTimeout().toString());
		return settings;
	}

	private static Result summary(List<Result> results, Map<String, Object> afterStop, CommitSampler sampler) {
		long neverRun = 0;
		long errors = 0;
		boolean withinBound = true;
		boolean timedOut = false;
		boolean settled = true;
		boolean parkedKept = true;
		List<String> policies = new ArrayList<>();
		for (Result result : results) {
			policies.add(String.valueOf(result.get("onUnavailable")));
			neverRun += ((Number) result.get("acknowledgedNeverRun")).longValue();
			errors += ((Number) result.get("dispatchErrors")).longValue();
			withinBound &= ((Number) result.get("ranTwice")).longValue() <= ((Number) result.get("ranTwiceBound"))
				.longValue();
			timedOut |= Boolean.TRUE.equals(result.get("timedOut"));
			settled &= Boolean.TRUE.equals(result.get("settled"));
			Map<?, ?> parked = (Map<?, ?>) result.get("parked");
			parkedKept &= parked != null && parked.get("inQueueBeforeRestart") instanceof Number before
					&& parked.get("inQueueAfterRestart") instanceof Number after && after.equals(before)
					&& before.longValue() >= ((Number) parked.get("confirmed")).longValue();
		}
		settled &= Boolean.TRUE.equals(afterStop.get("settled"));
		return new Result().put("fault", FAULT)
			.put("policies", policies)
			.put("acknowledgedNeverRun", neverRun)
			.put("dispatchErrors", errors)
			.put("ranTwiceWithinBound", withinBound)
			.put("timedOut", timedOut)
			.put("settled", settled)
			.put("parkedKept", parkedKept)
			.put("queueAfterWorkersStopped", afterStop)
			.put("commitSampleFailures", sampler.failures());
	}

	private static double loadAverage() {
		return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
	}

	/**
	 * What one restart works on.
	 */
	private record Phase(OnUnavailable policy, int index, WorkerGroup workers, RabbitRunQueues queues,
			RabbitOutage outage, Clients clients, int rate, int expectedConsumers, String rabbitmqVersion) {
	}

	/**
	 * Where the workers and the dispatcher reach RabbitMQ: the proxy, or the server.
	 */
	private record Clients(String host, int port) {
	}

}
