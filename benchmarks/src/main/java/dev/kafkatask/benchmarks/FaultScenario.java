package dev.kafkatask.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.autoconfigure.KafkaTaskProperties;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.kafka.KafkaTaskProducer;

/**
 * {@code faults}: a steady stream of tasks, dispatched by this JVM and run by worker JVMs of
 * one group on the 3-node cluster of {@code scripts/kafka-cluster.sh}, through one fault after
 * the other: a broker killed, two brokers down, a worker killed, a rolling restart of the
 * workers. Each fault prints one JSON line: what was dispatched, acknowledged, failed (with
 * the errors callers saw), run, run twice (and the bound that should hold), the longest gap
 * between completions and the time until completions were back at the pre-fault rate. The
 * cluster is made whole again between faults. See docs/reliability.md.
 *
 * @author kafka-task
 */
final class FaultScenario implements Scenario {

	private static final Duration IN_SYNC_TIMEOUT = Duration.ofSeconds(120);

	/**
	 * Time kept for the drain at the end of a fault.
	 */
	private static final Duration DRAIN_RESERVE = Duration.ofSeconds(40);

	/**
	 * Time the drain gets at least, even past the fault's deadline.
	 */
	private static final Duration MIN_DRAIN = Duration.ofSeconds(30);

	/**
	 * How long the run keeps reading journals after the drain, for late second runs.
	 */
	private static final Duration SETTLE = Duration.ofSeconds(2);

	private static final String OFFSETS_TOPIC = "__consumer_offsets";

	/**
	 * Most time between two reports of the workers' heap and threads, when the soak runs: a
	 * 10 min soak has 40 samples per worker; a shorter one reports more often, down to every
	 * second.
	 */
	private static final Duration STATS_INTERVAL = Duration.ofSeconds(15);

	private volatile @Nullable FaultLedger current;

	@Override
	public Result run(BenchmarkRun run) throws Exception {
		BenchmarkOptions options = run.options();
		FaultOptions faults = options.faults();
		if (options.engine() != Engine.KAFKA_TASK) {
			throw new IllegalArgumentException("faults runs kafka-task's worker only");
		}
		if (faults.clusterDir() == null) {
			throw new IllegalArgumentException("faults needs --cluster-dir D, the directory of a cluster that "
					+ "scripts/kafka-cluster.sh started (or run benchmarks/run-faults.sh)");
		}
		long deadline = System.nanoTime() + options.timeout().toNanos();
		Path clusterDir = Path.of(faults.clusterDir()).toAbsolutePath();
		Path work = Files.createDirectories(clusterDir.resolve("faults-" + run.groupId()));
		String topic = run.topic(BenchmarkTasks.QUEUE);
		int rate = options.rateOr(200);
		run.say("workers' logs and journals in " + work);
		List<Result> results = new ArrayList<>();
		ScheduledExecutorService feeder = Executors
			.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("faults-journals").daemon(true).factory());
		try (KafkaCluster cluster = new KafkaCluster(KafkaCluster.script(faults.clusterScript()), clusterDir,
				options.bootstrapServers());
				TcpProxy proxy = faults.faults().contains(Fault.NETWORK) ? TcpProxy.start(cluster.proxyRoutes())
						: null;
				WorkerGroup workers = new WorkerGroup(work, workerProperties(run, options),
						(slot) -> slotProperties(run, faults, proxy, slot));
				CommitSampler sampler = new CommitSampler(options.bootstrapServers(), run.groupId(), topic,
						() -> this.current)) {
			List<Integer> started = cluster.startStopped();
			if (!started.isEmpty()) {
				run.say("started node(s) " + started + " that did not run");
			}
			long t0 = System.nanoTime();
			workers.start(faults.workers(), FaultInjector.READY_TIMEOUT);
			run.say(String.format(Locale.ROOT, "%d workers have partitions after %.1f s", faults.workers(),
					Result.seconds(System.nanoTime() - t0)));
			cluster.awaitInSync(List.of(topic), IN_SYNC_TIMEOUT);
			feeder.scheduleWithFixedDelay(() -> {
				FaultLedger ledger = this.current;
				if (ledger != null) {
					workers.feed(ledger);
				}
			}, 100, 100, TimeUnit.MILLISECONDS);
			int index = 0;
			for (Fault fault : faults.faults()) {
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("The run's --timeout-s is up before fault " + fault.id());
				}
				Result result;
				try {
					result = runFault(run,
							new FaultInjector.Context(fault, ++index, cluster, workers, proxy, topic, rate, faults));
				}
				catch (Exception ex) {
					run.say("fault " + fault.id() + " failed: " + ex + "\nworkers' logs:\n" + workers.tails(15));
					throw ex;
				}
				finally {
					this.current = null;
				}
				results.add(result);
				System.out.println(result.toJson());
				System.out.flush();
				restore(run, cluster, workers, faults.workers(), topic);
			}
			return summary(results, sampler);
		}
		finally {
			feeder.shutdownNow();
		}
	}

	private Result runFault(BenchmarkRun run, FaultInjector.Context context) throws Exception {
		Fault fault = context.fault();
		FaultOptions faults = context.faults();
		long faultStart = System.nanoTime();
		Duration faultTimeout = (fault == Fault.SOAK) ? faults.faultTimeout().plus(faults.steady()).plus(faults.soak())
				: faults.faultTimeout();
		long faultDeadline = faultStart + faultTimeout.toNanos();
		int capacity = (int) Math.min(Integer.MAX_VALUE - 8, (long) context.rate() * faultTimeout.toSeconds());
		FaultLedger ledger = new FaultLedger(fault.id() + "#" + context.index(), capacity,
				run.options().partitions());
		FaultEvents events = new FaultEvents();
		run.say("fault " + fault.id() + ": " + context.rate() + " tasks/s for " + faults.steady().toSeconds()
				+ " s, then the fault");
		try (ConfigurableApplicationContext dispatcher = dispatcherContext(run, fault)) {
			Map<String, Object> settings = settings(run, dispatcher, context);
			this.current = ledger;
			SteadyStream stream = new SteadyStream(dispatcher.getBean(TaskDispatcher.class),
					(fault == Fault.SOAK) ? FaultWorker.SOAK_TASK : FaultWorker.TASK, BenchmarkTasks.QUEUE, ledger,
					context.rate(), faults.taskMs());
			Runnable stopProgress = run.progress(ledger::progress);
			Map<String, Object> before = new LinkedHashMap<>();
			FaultInjector.Injected injected;
			long streamStop;
			long recoveredAt;
			try {
				Thread.sleep(faults.steady());
				before.put("quorumLeaderBefore", context.cluster().quorumLeader());
				before.put("groupCoordinatorBefore", context.cluster().groupCoordinator(run.groupId()).getKey());
				before.put("loadAverageAtFault", loadAverage());
				injected = FaultInjector.inject(context, events);
				double preFaultRate = ledger.preFaultRate(new FaultLedger.Window(stream.startedAt(),
						injected.faultAt(), injected.restoredAt(), injected.restoredAt(), injected.restoredAt()),
						context.rate());
				recoveredAt = FaultWaits.awaitRecovered(ledger, preFaultRate, injected.restoredAt(),
						faultDeadline - DRAIN_RESERVE.toNanos());
				if (recoveredAt > 0) {
					events.add(recoveredAt, "completions back at the pre-fault rate, nothing acknowledged waits");
					FaultWaits.sleepUntil(Math.min(System.nanoTime() + faults.afterRecovery().toNanos(),
							faultDeadline - DRAIN_RESERVE.toNanos()));
				}
				else {
					events.add(System.currentTimeMillis(), "completions not back by the fault's deadline");
				}
			}
			finally {
				streamStop = stream.stop();
			}
			events.add(streamStop, "stream stopped");
			// a fault whose undoing overran its time still gets a drain
			boolean drained = FaultWaits.awaitDrained(context.workers(), ledger,
					Math.max(faultDeadline, System.nanoTime() + MIN_DRAIN.toNanos()));
			events.add(System.currentTimeMillis(), drained ? "drained: every acknowledged task ran"
					: "not drained by the fault's deadline");
			Thread.sleep(SETTLE);
			stopProgress.run();
			context.workers().feed(ledger);
			long end = System.currentTimeMillis();
			FaultLedger.Window window = new FaultLedger.Window(stream.startedAt(), injected.faultAt(),
					injected.restoredAt(), streamStop, end);
			int inFlightLimit = context.workers().running().size() * ((Number) settings.get("maxInFlight")).intValue();
			Result result = new Result().put("scenario", "faults").put("fault", fault.id());
			result.putAll(ledger.figures(window, inFlightLimit, context.rate()));
			if (fault == Fault.WORKER_KILL) {
				result.put("killedWorkerFinishedAboveCommit",
						ledger.finishedAboveCommitted((String) injected.details().get("killedWorker"),
								injected.faultAt()));
			}
			if (fault == Fault.SOAK) {
				Map<String, Object> soak = new LinkedHashMap<>();
				boolean flat = true;
				for (WorkerJvm worker : context.workers().running()) {
					Map<String, Object> figures = SoakStats.of(worker.stats(), injected.faultAt(),
							injected.restoredAt());
					soak.put(worker.name(), figures);
					flat &= Boolean.TRUE.equals(figures.get("flat"));
				}
				result.put("soakFlat", flat).put("soakWorkers", soak);
			}
			injected.details().forEach(result::put);
			before.forEach(result::put);
			result.put("loadAverageAtEnd", loadAverage())
				.put("recovered", recoveredAt > 0)
				.put("drained", drained)
				.put("timedOut", recoveredAt <= 0 || !drained)
				.put("seconds", Result.seconds(System.nanoTime() - faultStart))
				.put("events", events.relativeTo(injected.faultAt()))
				.put("settings", settings);
			return result;
		}
	}

	/**
	 * Make the cluster and the group whole again: every node running, every replica of the
	 * task topic and the offsets topic in sync, the workers all there.
	 */
	private static void restore(BenchmarkRun run, KafkaCluster cluster, WorkerGroup workers, int count, String topic)
			throws Exception {
		long start = System.nanoTime();
		cluster.startStopped();
		workers.ensure(count, FaultInjector.READY_TIMEOUT);
		cluster.awaitInSync(List.of(topic, OFFSETS_TOPIC), IN_SYNC_TIMEOUT);
		run.say(String.format(Locale.ROOT, "cluster and workers whole again after %.1f s",
				Result.seconds(System.nanoTime() - start)));
	}

	private static Map<String, Object> workerProperties(BenchmarkRun run, BenchmarkOptions options) {
		Map<String, Object> properties = baseProperties(run, options);
		properties.put("kafka-task.worker.group-id", run.groupId());
		properties.put("logging.level.dev.kafkatask", "info");
		properties.put("bench.max-lifetime-s", options.timeout().toSeconds() + 120);
		if (options.faults().faults().contains(Fault.SOAK)) {
			properties.put("bench.stats-interval-s",
					Math.max(1, Math.min(STATS_INTERVAL.toSeconds(), options.faults().soak().toSeconds() / 40)));
		}
		if (options.maxInFlight() != null) {
			properties.put("kafka-task.worker.max-in-flight", options.maxInFlight());
		}
		properties.putAll(options.properties());
		return properties;
	}

	/**
	 * Return the properties of the worker in a slot: with static membership a
	 * {@code group.instance.id} of its own, which its replacement takes over; in slot 1, when
	 * the network fault runs, the brokers' proxied listeners, through the proxy.
	 */
	private static Map<String, Object> slotProperties(BenchmarkRun run, FaultOptions faults, @Nullable TcpProxy proxy,
			int slot) {
		Map<String, Object> properties = new LinkedHashMap<>();
		if (faults.staticMembership()) {
			properties.put("kafka-task.worker.group-instance-id", run.groupId() + "-" + slot);
		}
		if (proxy != null && slot == 1) {
			properties.put("spring.kafka.bootstrap-servers", String.join(",", proxy.addresses()));
		}
		return properties;
	}

	private static Map<String, Object> baseProperties(BenchmarkRun run, BenchmarkOptions options) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "kafka-task-faults");
		properties.put("spring.kafka.bootstrap-servers", options.bootstrapServers());
		properties.put("kafka-task.kafka.topic-prefix", run.topic(""));
		properties.put("kafka-task.kafka.partitions", options.partitions());
		properties.put("kafka-task.kafka.replication-factor", 3);
		return properties;
	}

	/**
	 * Start the dispatching application: the worker's, with the worker off. Below min.insync,
	 * the producer gives up after 10 s instead of kafka-task's (Kafka's) two minutes, so that
	 * the callers see errors while the brokers are down; {@code --property} overrides it.
	 */
	private static ConfigurableApplicationContext dispatcherContext(BenchmarkRun run, Fault fault) {
		Map<String, Object> properties = baseProperties(run, run.options());
		properties.put("kafka-task.worker.enabled", false);
		properties.put("kafka-task.worker.group-id", run.groupId());
		if (run.options().maxInFlight() != null) {
			properties.put("kafka-task.worker.max-in-flight", run.options().maxInFlight());
		}
		if (fault == Fault.BELOW_MIN_INSYNC) {
			properties.put("spring.kafka.producer.properties.delivery.timeout.ms", 10_000);
			properties.put("spring.kafka.producer.properties.request.timeout.ms", 5_000);
		}
		properties.putAll(run.options().properties());
		List<String> args = new ArrayList<>();
		properties.forEach((name, value) -> args.add("--" + name + "=" + value));
		return new SpringApplicationBuilder(FaultWorker.FaultApplication.class).bannerMode(Banner.Mode.OFF)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.run(args.toArray(String[]::new));
	}

	/**
	 * Return the settings the fault ran with, as the clients and the brokers have them.
	 */
	private static Map<String, Object> settings(BenchmarkRun run, ConfigurableApplicationContext dispatcher,
			FaultInjector.Context context) throws Exception {
		Map<String, Object> settings = new LinkedHashMap<>();
		FaultOptions faults = context.faults();
		settings.put("rate", context.rate());
		settings.put("taskMs", faults.taskMs());
		settings.put("workers", faults.workers());
		settings.put("partitions", run.options().partitions());
		settings.put("steadySeconds", faults.steady().toSeconds());
		settings.put("afterRecoverySeconds", faults.afterRecovery().toSeconds());
		switch (context.fault()) {
			case NETWORK -> {
				settings.put("stallSeconds", faults.stall().toSeconds());
				settings.put("dropSeconds", faults.drop().toSeconds());
			}
			case SOAK -> settings.put("soakSeconds", faults.soak().toSeconds());
			default -> settings.put("holdSeconds",
					((context.fault() == Fault.BELOW_MIN_INSYNC) ? 2 : 1) * faults.hold().toSeconds());
		}
		settings.put("staticMembership", faults.staticMembership());
		settings.put("properties", run.options().properties());
		settings.put("replicationFactor", context.cluster().replicationFactor(context.topic()));
		context.cluster()
			.topicConfig(context.topic(), "min.insync.replicas", "unclean.leader.election.enable")
			.forEach((name, value) -> settings.put("topic." + name, value));
		Map<String, Object> producer = dispatcher.getBean(KafkaTaskProducer.class)
			.getTemplate()
			.getProducerFactory()
			.getConfigurationProperties();
		Map<String, Object> defaults = ProducerConfig.configDef().defaultValues();
		for (String name : List.of(ProducerConfig.ACKS_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
				ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
				ProducerConfig.LINGER_MS_CONFIG, ProducerConfig.MAX_BLOCK_MS_CONFIG)) {
			Object value = producer.containsKey(name) ? producer.get(name) : defaults.get(name);
			settings.put("producer." + name, String.valueOf(value));
		}
		KafkaTaskProperties.Worker worker = dispatcher.getBean(KafkaTaskProperties.class).getWorker();
		settings.put("commitInterval", worker.getCommitInterval().toString());
		settings.put("maxInFlight", worker.getMaxInFlight());
		settings.put("commitCount", (worker.getCommitCount() != null) ? worker.getCommitCount() : worker.getMaxInFlight());
		settings.put("shutdownTimeout", worker.getShutdownTimeout().toString());
		settings.put("revokeTimeout", worker.getRevokeTimeout().toString());
		settings.put("groupProtocol", context.cluster().groupCoordinator(run.groupId()).getValue());
		int node = context.cluster().running().get(0);
		context.cluster()
			.brokerConfig(node, "group.consumer.session.timeout.ms", "group.consumer.heartbeat.interval.ms",
					"broker.session.timeout.ms", "broker.heartbeat.interval.ms", "replica.lag.time.max.ms",
					"offsets.topic.replication.factor", "min.insync.replicas")
			.forEach((name, value) -> settings.put("broker." + name, value));
		return settings;
	}

	private static Result summary(List<Result> results, CommitSampler sampler) {
		long neverRun = 0;
		long errors = 0;
		boolean withinBound = true;
		boolean timedOut = false;
		List<String> faults = new ArrayList<>();
		for (Result result : results) {
			faults.add(String.valueOf(result.get("fault")));
			neverRun += ((Number) result.get("acknowledgedNeverRun")).longValue();
			errors += ((Number) result.get("dispatchErrors")).longValue();
			withinBound &= ((Number) result.get("ranTwice")).longValue() <= ((Number) result.get("ranTwiceBound"))
				.longValue();
			timedOut |= Boolean.TRUE.equals(result.get("timedOut"));
		}
		return new Result().put("faults", faults)
			.put("acknowledgedNeverRun", neverRun)
			.put("dispatchErrors", errors)
			.put("ranTwiceWithinBound", withinBound)
			.put("timedOut", timedOut)
			.put("commitSampleFailures", sampler.failures());
	}

	private static double loadAverage() {
		return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
	}

}
