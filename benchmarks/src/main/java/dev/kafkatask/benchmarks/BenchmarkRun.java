package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.SharePartitionOffsetInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;

/**
 * One benchmark run: its unique topic prefix and group id, the {@link TaskLedger}, the Spring
 * contexts it starts, an admin client to read offsets, and the progress lines it prints.
 *
 * @author kafka-task
 */
final class BenchmarkRun implements AutoCloseable {

	private static final Duration WARM_UP_SLEEP = Duration.ofMillis(1);

	private static final int WARM_UP_ROUND = 20_000;

	private static final Duration JIT_QUIET = Duration.ofMillis(500);

	private static final Duration JIT_QUIET_TIMEOUT = Duration.ofSeconds(15);

	private final BenchmarkOptions options;

	private final String runId;

	private final TaskLedger ledger = new TaskLedger();

	private final Admin admin;

	private final long startedAt = System.nanoTime();

	private final ScheduledExecutorService ticker = Executors
		.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("bench-progress").daemon(true).factory());

	BenchmarkRun(BenchmarkOptions options) {
		this.options = options;
		this.runId = options.scenario() + "-" + Long.toString(System.currentTimeMillis(), 36)
				+ Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
		this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers()));
	}

	BenchmarkOptions options() {
		return this.options;
	}

	TaskLedger ledger() {
		return this.ledger;
	}

	String groupId() {
		return "bench-" + this.runId;
	}

	String topic(String queue) {
		return "bench-" + this.runId + "." + queue;
	}

	/**
	 * Start a context that dispatches but runs no worker (kafka-task's nor spring-kafka's).
	 * @param properties the scenario's properties
	 * @return the context
	 */
	ConfigurableApplicationContext dispatcherContext(Map<String, Object> properties) {
		Map<String, Object> all = new LinkedHashMap<>(properties);
		all.put("kafka-task.worker.enabled", false);
		all.put("bench.engine", "none");
		return context(all);
	}

	/**
	 * Start a context with the engine's worker.
	 * @param properties the scenario's properties
	 * @return the context
	 */
	ConfigurableApplicationContext workerContext(Map<String, Object> properties) {
		Map<String, Object> all = new LinkedHashMap<>(properties);
		all.put("kafka-task.worker.enabled", this.options.engine().isKafkaTask());
		if (this.options.engine() == Engine.SHARE) {
			all.putIfAbsent("kafka-task.worker.default-mode", "share");
		}
		all.put("bench.engine", this.options.engine().id());
		return context(all);
	}

	private ConfigurableApplicationContext context(Map<String, Object> scenario) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("spring.application.name", "kafka-task-benchmarks");
		properties.put("spring.kafka.bootstrap-servers", this.options.bootstrapServers());
		properties.put("spring.kafka.consumer.auto-offset-reset", "earliest");
		properties.put("spring.kafka.consumer.value-deserializer", ByteArrayDeserializer.class.getName());
		properties.put("spring.kafka.listener.concurrency", this.options.partitions());
		properties.put("kafka-task.kafka.topic-prefix", topic(""));
		properties.put("kafka-task.kafka.partitions", this.options.partitions());
		properties.put("kafka-task.worker.group-id", groupId());
		properties.put("bench.group-id", groupId());
		properties.put("bench.topics", topic(BenchmarkTasks.QUEUE));
		properties.putAll(scenario);
		if (this.options.maxInFlight() != null) {
			properties.put("kafka-task.worker.max-in-flight", this.options.maxInFlight());
		}
		properties.putAll(this.options.properties());
		List<String> args = new ArrayList<>();
		properties.forEach((name, value) -> args.add("--" + name + "=" + value));
		return new SpringApplicationBuilder(BenchmarkApplication.class).bannerMode(Banner.Mode.OFF)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.initializers((context) -> context.getBeanFactory().registerSingleton("taskLedger", this.ledger))
			.run(args.toArray(String[]::new));
	}

	/**
	 * Wait until the worker of a context has the given number of partitions.
	 * @param worker the worker
	 * @param partitions how many partitions it should have
	 * @return how long that took, in seconds
	 * @throws InterruptedException if interrupted
	 */
	double awaitAssignment(BenchmarkWorker worker, int partitions) throws InterruptedException {
		long start = System.nanoTime();
		if (!waitFor(() -> worker.ready(partitions), Duration.ofSeconds(120))) {
			throw new IllegalStateException("Worker has " + worker.assignment().size() + " of " + partitions
					+ " partitions after 120 s");
		}
		double seconds = Result.seconds(System.nanoTime() - start);
		say(String.format(Locale.ROOT, "worker assigned %d partitions in %.2f s", partitions, seconds));
		return seconds;
	}

	/**
	 * Run warm-up tasks through the whole path, dispatch to completion, each sleeping
	 * {@link #WARM_UP_SLEEP}, so that the measured phase does not pay for class loading and JIT
	 * compilation of the dispatch, consume, park and wake-up paths; then wait for the JIT
	 * compilers to go quiet. The tasks go in rounds shaped like the measured phase: bursts of
	 * {@code round} tasks from the scenario's concurrent requests, each round awaited.
	 * @param dispatcher the dispatcher
	 * @param queue the queue to use
	 * @param round tasks per round, the size of the measured burst
	 * @throws InterruptedException if interrupted
	 */
	void warmUp(TaskDispatcher dispatcher, String queue, int round) throws InterruptedException {
		warmUp(TaskSender.of(dispatcher, TaskOptions.none().withQueue(queue)), round);
	}

	/**
	 * Run warm-up tasks as {@link #warmUp(TaskDispatcher, String, int)} does, sent by the
	 * given sender.
	 * @param sender sends the warm-up tasks
	 * @param round tasks per round, the size of the measured burst
	 * @throws InterruptedException if interrupted
	 */
	void warmUp(TaskSender sender, int round) throws InterruptedException {
		int remaining = this.options.warmup();
		long start = System.nanoTime();
		int rounds = 0;
		while (remaining > 0) {
			int tasks = Math.min(remaining, Math.max(1, round));
			TaskLedger.Phase phase = this.ledger.begin(tasks, tasks);
			new Load(Math.min(this.options.requests(), tasks), tasks, 0).run(
					(id) -> sender.send(BenchmarkTasks.IO, List.of((long) phase.id(), (long) id, WARM_UP_SLEEP.toMillis())),
					this.options.timeout());
			if (!phase.await(Duration.ofSeconds(120))) {
				throw new IllegalStateException("Warm-up: only " + phase.completed() + " of " + tasks
						+ " tasks ran within 120 s");
			}
			remaining -= tasks;
			rounds++;
		}
		if (rounds > 0) {
			double seconds = Result.seconds(System.nanoTime() - start);
			double settled = awaitJitQuiet();
			say(String.format(Locale.ROOT, "warm-up: %d tasks in %d round(s), %.2f s; JIT quiet %.1f s later",
					this.options.warmup(), rounds, seconds, settled));
		}
	}

	/**
	 * Wait until the JIT compilers spent no time compiling for {@link #JIT_QUIET}, at most
	 * {@link #JIT_QUIET_TIMEOUT}.
	 * @return how long it took, in seconds
	 * @throws InterruptedException if interrupted
	 */
	private static double awaitJitQuiet() throws InterruptedException {
		CompilationMXBean compilation = ManagementFactory.getCompilationMXBean();
		if (compilation == null || !compilation.isCompilationTimeMonitoringSupported()) {
			return 0;
		}
		long start = System.nanoTime();
		long quietSince = start;
		long compiled = compilation.getTotalCompilationTime();
		while (System.nanoTime() - quietSince < JIT_QUIET.toNanos()
				&& System.nanoTime() - start < JIT_QUIET_TIMEOUT.toNanos()) {
			Thread.sleep(50);
			long now = compilation.getTotalCompilationTime();
			if (now != compiled) {
				compiled = now;
				quietSince = System.nanoTime();
			}
		}
		return Result.seconds(System.nanoTime() - start);
	}

	/**
	 * Warm up in a worker context of its own, then close it: for scenarios whose measured
	 * worker starts later, in another context. The group commits the warm-up tasks, so the
	 * measured worker starts after them.
	 * @throws InterruptedException if interrupted
	 */
	void warmUpInOwnContext() throws InterruptedException {
		if (this.options.warmup() == 0) {
			return;
		}
		try (ConfigurableApplicationContext context = workerContext(Map.of())) {
			awaitAssignment(BenchmarkWorker.in(context, this.options.engine()), this.options.partitions());
			warmUp(context.getBean(TaskDispatcher.class), BenchmarkTasks.QUEUE, WARM_UP_ROUND);
		}
	}

	/**
	 * Start a Java Flight Recording of the measured phase when {@code --jfr} asks for one.
	 * @return stops the recording and writes it
	 * @throws IOException if the recording cannot be set up
	 * @throws ParseException if the JDK's 'profile' settings cannot be read
	 */
	Runnable profile() throws IOException, ParseException {
		String file = this.options.jfr();
		if (file == null) {
			return () -> {
			};
		}
		Recording recording = new Recording(Configuration.getConfiguration("profile"));
		// JDK 25's CPU-time sampler too, a sample per millisecond of a thread's CPU: where the CPU
		// per task goes, not only where threads were found running
		recording.enable("jdk.CPUTimeSample").with("throttle", "1ms");
		recording.setDestination(Path.of(file));
		recording.start();
		say("recording the measured phase to " + file);
		return () -> {
			recording.stop();
			recording.close();
		};
	}

	/**
	 * Write the timeline of a phase when {@code --timeline} asks for one.
	 * @param phase the phase
	 * @param suffix added to the file name, before its extension, or empty
	 * @throws IOException if it cannot be written
	 */
	void writeTimeline(TaskLedger.Phase phase, String suffix) throws IOException {
		String file = this.options.timeline();
		if (file != null) {
			int dot = file.lastIndexOf('.');
			Path path = Path.of((dot > 0) ? file.substring(0, dot) + suffix + file.substring(dot) : file + suffix);
			phase.writeTimeline(path);
			say("timeline written to " + path);
		}
	}

	/**
	 * Print a progress line.
	 * @param message the message
	 */
	void say(String message) {
		System.out.printf(Locale.ROOT, "[%s %6.1fs] %s%n", this.options.scenario(),
				Result.seconds(System.nanoTime() - this.startedAt), message);
	}

	/**
	 * Print a progress line every second until the returned handle is stopped.
	 * @param message what to say
	 * @return the handle
	 */
	Runnable progress(Supplier<String> message) {
		ScheduledFuture<?> future = this.ticker.scheduleAtFixedRate(() -> say(message.get()), 1, 1, TimeUnit.SECONDS);
		return () -> future.cancel(false);
	}

	/**
	 * Return the end offsets of a topic's partitions.
	 * @param topic the topic
	 * @return the end offset of each partition
	 * @throws InterruptedException if interrupted
	 * @throws ExecutionException if the broker could not answer
	 */
	Map<TopicPartition, Long> endOffsets(String topic) throws InterruptedException, ExecutionException {
		int partitions = this.admin.describeTopics(List.of(topic))
			.allTopicNames()
			.get()
			.get(topic)
			.partitions()
			.size();
		Map<TopicPartition, OffsetSpec> request = new HashMap<>();
		for (int p = 0; p < partitions; p++) {
			request.put(new TopicPartition(topic, p), OffsetSpec.latest());
		}
		Map<TopicPartition, Long> ends = new HashMap<>();
		for (Map.Entry<TopicPartition, ListOffsetsResultInfo> entry : this.admin.listOffsets(request)
			.all()
			.get()
			.entrySet()) {
			ends.put(entry.getKey(), entry.getValue().offset());
		}
		return ends;
	}

	/**
	 * Return the sum of the run's group's committed offsets on the given partitions.
	 * @param partitions the partitions
	 * @return the sum, partitions without a commit counting 0
	 * @throws InterruptedException if interrupted
	 * @throws ExecutionException if the broker could not answer
	 */
	long committed(Collection<TopicPartition> partitions) throws InterruptedException, ExecutionException {
		if (this.options.engine() == Engine.SHARE) {
			return acknowledged(partitions);
		}
		Map<TopicPartition, OffsetAndMetadata> committed = this.admin.listConsumerGroupOffsets(groupId())
			.partitionsToOffsetAndMetadata()
			.get();
		long sum = 0;
		for (TopicPartition partition : partitions) {
			OffsetAndMetadata offset = committed.get(partition);
			sum += (offset != null) ? offset.offset() : 0;
		}
		return sum;
	}

	/**
	 * Return how many records of the partitions the share group acknowledged: their end
	 * offsets less the group's lag.
	 */
	private long acknowledged(Collection<TopicPartition> partitions) throws InterruptedException, ExecutionException {
		Map<TopicPartition, SharePartitionOffsetInfo> offsets = this.admin
			.listShareGroupOffsets(Map.of(groupId() + "-share", new ListShareGroupOffsetsSpec().topicPartitions(partitions)))
			.partitionsToOffsetInfo(groupId() + "-share")
			.get();
		Map<TopicPartition, OffsetSpec> request = new HashMap<>();
		partitions.forEach((partition) -> request.put(partition, OffsetSpec.latest()));
		Map<TopicPartition, ListOffsetsResultInfo> ends = this.admin.listOffsets(request).all().get();
		long sum = 0;
		for (TopicPartition partition : partitions) {
			SharePartitionOffsetInfo offset = offsets.get(partition);
			if (offset != null && offset.lag().isPresent()) {
				sum += ends.get(partition).offset() - offset.lag().get();
			}
		}
		return sum;
	}

	/**
	 * Force garbage collection and return the heap in use.
	 * @return the used heap in bytes
	 * @throws InterruptedException if interrupted
	 */
	static long usedHeapAfterGc() throws InterruptedException {
		var memory = ManagementFactory.getMemoryMXBean();
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			Thread.sleep(100);
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	static boolean waitFor(BooleanSupplier condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				return false;
			}
			Thread.sleep(5);
		}
		return true;
	}

	/**
	 * Return facts about the machine and the run, for the result.
	 * @return the facts
	 */
	Result environment() {
		Runtime runtime = Runtime.getRuntime();
		return new Result().put("engine", this.options.engine().id())
			.put("partitions", this.options.partitions())
			.put("cores", runtime.availableProcessors())
			.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
			.put("maxHeapMb", runtime.maxMemory() / (1024 * 1024))
			.put("kafkaClients", org.apache.kafka.common.utils.AppInfoParser.getVersion())
			.put("loadAverage", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage())
			.put("group", groupId());
	}

	@Override
	public void close() {
		this.ticker.shutdownNow();
		this.admin.close(Duration.ofSeconds(5));
	}

}
