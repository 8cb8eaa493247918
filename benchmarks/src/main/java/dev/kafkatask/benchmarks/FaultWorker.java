package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.kafkatask.kafka.worker.TaskWorker;
import dev.kafkatask.task.KafkaTask;
import dev.kafkatask.task.TaskContext;

/**
 * A worker JVM of the {@code faults} scenario ({@code BenchmarkMain fault-worker
 * --property=value...}), and the application its dispatcher runs too, with the worker off.
 * Each task it runs appends {@code <token> <id> <epoch ms>} to its journal, one write call per
 * line, so that a {@code kill -9} loses no line of a finished task. It prints {@code STARTED in
 * N ms} once its context runs, {@code READY n} once it has partitions and {@code ASSIGNED n}
 * whenever their number changes, and with {@code bench.stats-interval-s} set, every so many
 * seconds {@code STATS <epoch ms> <heap MB after a full GC> <live platform threads> <RSS MB>
 * <open file descriptors>}. It exits when
 * the JVM that started it ({@code bench.owner-pid}) is gone or after
 * {@code bench.max-lifetime-s}: a run that dies leaves no worker behind.
 *
 * @author kafka-task
 */
final class FaultWorker {

	/**
	 * First argument of {@link BenchmarkMain} that runs a worker instead of a scenario.
	 */
	static final String COMMAND = "fault-worker";

	/**
	 * Name of the task.
	 */
	static final String TASK = "bench.fault";

	/**
	 * Name of the soak's task: retried, and cut short by time limits, now and then.
	 */
	static final String SOAK_TASK = "bench.soak";

	/**
	 * How long the JVM may take to exit once told to, before it halts.
	 */
	private static final Duration EXIT_GRACE = Duration.ofSeconds(60);

	private FaultWorker() {
	}

	static void main(String[] args) throws InterruptedException {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(FaultApplication.class)
			.bannerMode(Banner.Mode.OFF)
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.run(args);
		System.out.println("STARTED in " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms");
		long owner = context.getEnvironment().getProperty("bench.owner-pid", Long.class, -1L);
		long lifetime = context.getEnvironment().getProperty("bench.max-lifetime-s", Long.class, 3600L);
		Thread.ofPlatform().daemon(true).name("owner-watch").start(() -> watch(owner, Duration.ofSeconds(lifetime)));
		TaskWorker worker = context.getBean(TaskWorker.class);
		long statsInterval = context.getEnvironment().getProperty("bench.stats-interval-s", Long.class, 0L) * 1000;
		long nextStats = System.currentTimeMillis() + statsInterval;
		int reported = -1;
		boolean ready = false;
		while (context.isActive()) {
			if (statsInterval > 0 && System.currentTimeMillis() >= nextStats) {
				System.out.println(stats());
				nextStats += statsInterval;
			}
			int assigned = worker.getAssignment().size();
			if (assigned != reported) {
				if (!ready && assigned > 0) {
					System.out.println("READY " + assigned);
					ready = true;
				}
				System.out.println("ASSIGNED " + assigned);
				System.out.flush();
				reported = assigned;
			}
			Thread.sleep(50);
		}
	}

	/**
	 * Return a {@code STATS} line: the heap used right after a full collection (asked for with
	 * {@code System.gc()}: what the heap holds on to, not what awaits collection), the live
	 * platform threads (virtual threads show only in the heap), the resident set and the open
	 * file descriptors.
	 */
	private static String stats() {
		System.gc();
		long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		int threads = ManagementFactory.getThreadMXBean().getThreadCount();
		long rssKb = -1;
		try {
			rssKb = Files.readAllLines(Path.of("/proc/self/status"))
				.stream()
				.filter((line) -> line.startsWith("VmRSS:"))
				.map((line) -> Long.parseLong(line.replaceAll("[^0-9]", "")))
				.findFirst()
				.orElse(-1L);
		}
		catch (IOException | RuntimeException ex) {
			// not on Linux: no RSS
		}
		long fds = -1;
		try (Stream<Path> open = Files.list(Path.of("/proc/self/fd"))) {
			fds = open.count();
		}
		catch (IOException | RuntimeException ex) {
			// not on Linux: no count
		}
		return String.format(Locale.ROOT, "STATS %d %.1f %d %d %d", System.currentTimeMillis(), heap / 1048576.0,
				threads, (rssKb >= 0) ? rssKb / 1024 : -1, fds);
	}

	/**
	 * Exit when the owner is gone or the lifetime is up; halt if exiting hangs.
	 */
	private static void watch(long owner, Duration lifetime) {
		long deadline = System.nanoTime() + lifetime.toNanos();
		Optional<ProcessHandle> handle = (owner > 0) ? ProcessHandle.of(owner) : Optional.empty();
		if (owner > 0 && handle.isEmpty()) {
			System.out.println("EXIT owner " + owner + " is gone");
			exit();
		}
		while (System.nanoTime() - deadline < 0) {
			if (handle.isPresent() && !handle.get().isAlive()) {
				System.out.println("EXIT owner " + owner + " is gone");
				exit();
			}
			try {
				Thread.sleep(500);
			}
			catch (InterruptedException ex) {
				return;
			}
		}
		System.out.println("EXIT lifetime of " + lifetime + " is up");
		exit();
	}

	private static void exit() {
		Thread.ofPlatform().daemon(true).start(() -> {
			try {
				Thread.sleep(EXIT_GRACE.toMillis());
			}
			catch (InterruptedException ex) {
				// halting anyway
			}
			Runtime.getRuntime().halt(3);
		});
		System.exit(3);
	}

	/**
	 * The application of worker JVMs and of the scenario's dispatcher.
	 */
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class FaultApplication {

		@Bean
		FaultTasks faultTasks(@Value("${bench.journal:}") String journal) throws IOException {
			return new FaultTasks(journal.isEmpty() ? null : Path.of(journal));
		}

	}

	/**
	 * The task of the scenario.
	 */
	public static class FaultTasks implements DisposableBean {

		private final @Nullable FileChannel journal;

		FaultTasks(@Nullable Path journal) throws IOException {
			this.journal = (journal != null) ? FileChannel.open(journal, StandardOpenOption.CREATE,
					StandardOpenOption.WRITE, StandardOpenOption.APPEND) : null;
		}

		/**
		 * Sleep, then append the run to the journal.
		 * @param token the fault the task belongs to
		 * @param id the task id within it
		 * @param sleepMs how long to sleep first
		 * @throws IOException if the journal cannot be written
		 * @throws InterruptedException if interrupted while sleeping (the worker stopping)
		 */
		@KafkaTask(name = TASK, queue = BenchmarkTasks.QUEUE)
		public void run(String token, int id, long sleepMs) throws IOException, InterruptedException {
			if (sleepMs > 0) {
				Thread.sleep(sleepMs);
			}
			FileChannel channel = this.journal;
			if (channel == null) {
				throw new IllegalStateException("No journal: bench.journal is not set");
			}
			// One write call per line (O_APPEND): the line is in the file once the call returns,
			// whatever happens to this process next.
			channel.write(ByteBuffer
				.wrap((token + " " + id + " " + System.currentTimeMillis() + "\n").getBytes(StandardCharsets.US_ASCII)));
		}

		/**
		 * The soak's task: as {@link #run}, but by its id it fails on its first run (one in
		 * 20; retried), overruns its soft time limit on its first run (one in 50: interrupted,
		 * retried), or ignores the interrupt past its hard time limit on its first run (one in
		 * 200: abandoned, not retried; it still ends, and journals, half a second later).
		 * Each task journals once, on the run that finishes.
		 * @param token the fault the task belongs to
		 * @param id the task id within it
		 * @param sleepMs how long to sleep first
		 * @param context the run's context
		 * @throws IOException if the journal cannot be written
		 * @throws InterruptedException if interrupted while sleeping (the soft time limit)
		 */
		@KafkaTask(name = SOAK_TASK, queue = BenchmarkTasks.QUEUE,
				autoretryFor = { IllegalStateException.class, InterruptedException.class }, maxRetries = 3,
				defaultRetryDelay = "1s", softTimeLimit = "1s", timeLimit = "2s")
		public void soak(String token, int id, long sleepMs, TaskContext context)
				throws IOException, InterruptedException {
			if (context.retries() == 0) {
				if (id % 20 == 3) {
					throw new IllegalStateException("soak: task " + id + " fails on its first run");
				}
				if (id % 50 == 11) {
					Thread.sleep(5000);
				}
				if (id % 200 == 17) {
					long until = System.nanoTime() + 2_500_000_000L;
					for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
						Thread.interrupted();
						LockSupport.parkNanos(left);
					}
				}
			}
			run(token, id, sleepMs);
		}

		@Override
		public void destroy() throws IOException {
			if (this.journal != null) {
				this.journal.close();
			}
		}

	}

}
