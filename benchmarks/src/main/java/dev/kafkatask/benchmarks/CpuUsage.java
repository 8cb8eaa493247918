package dev.kafkatask.benchmarks;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.sun.management.OperatingSystemMXBean;
import org.jspecify.annotations.Nullable;

/**
 * CPU time spent during a phase: by this JVM (and how much of it the JIT compilers and the
 * garbage collector account for), by the run's Kafka broker when it runs on the same machine
 * (a {@code kafka.Kafka} process whose configuration file names the bootstrap port), and by
 * the whole machine, so that
 * a result tells whether the run was CPU-bound and who else used the cores. Machine and
 * broker figures come from {@code /proc} and are absent elsewhere.
 *
 * @author kafka-task
 */
final class CpuUsage {

	private static final double TICKS_PER_SECOND = 100.0;

	private static final Path PROC = Path.of("/proc");

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	private final long wall = System.nanoTime();

	private final long process = processCpuNanos();

	private final long jit = jitMillis();

	private final long gc = gcMillis();

	private final long machineBusy = machineBusyTicks();

	private final List<Path> brokers;

	private final Map<Long, Long> threads = threadCpuNanos();

	private final long broker;

	private final Map<String, Long> internal = internalTicks();

	private final Map<String, Double> ended = new TreeMap<>();

	/**
	 * Take a snapshot.
	 * @param bootstrapServers the broker of the run: only a local broker process whose
	 * configuration names one of its ports counts as the broker
	 */
	CpuUsage(String bootstrapServers) {
		this.brokers = brokerStats(bootstrapServers);
		this.broker = ticks(this.brokers);
	}

	/**
	 * Account for threads that ended during the phase and measured their own CPU time.
	 * @param category the category of the threads
	 * @param seconds their CPU time
	 * @return this
	 */
	CpuUsage ended(String category, double seconds) {
		this.ended.merge(category, seconds, Double::sum);
		return this;
	}


	/**
	 * Add the CPU used since this snapshot to a result.
	 * @param result the result
	 * @param tasks the tasks of the phase, for the CPU per task
	 * @return the result
	 */
	Result addTo(Result result, int tasks) {
		double wallSeconds = Result.seconds(System.nanoTime() - this.wall);
		double processSeconds = Result.seconds(processCpuNanos() - this.process);
		Map<String, Double> byThread = new TreeMap<>(this.ended);
		double javaThreads = this.ended.values().stream().mapToDouble(Double::doubleValue).sum();
		for (Map.Entry<Long, Long> entry : threadCpuNanos().entrySet()) {
			ThreadInfo info = THREADS.getThreadInfo(entry.getKey());
			if (info != null) {
				double seconds = Result.seconds(entry.getValue() - this.threads.getOrDefault(entry.getKey(), 0L));
				byThread.merge(category(info.getThreadName()), seconds, Double::sum);
				javaThreads += seconds;
			}
		}
		// JIT compilers, GC and the VM thread, from /proc; the rest (Java threads that ended) unaccounted
		double internalSeconds = 0;
		for (Map.Entry<String, Long> entry : internalTicks().entrySet()) {
			double seconds = (entry.getValue() - this.internal.getOrDefault(entry.getKey(), 0L)) / TICKS_PER_SECOND;
			byThread.put(entry.getKey(), seconds);
			internalSeconds += seconds;
		}
		byThread.put("unattributed", Math.max(0, processSeconds - javaThreads - internalSeconds));
		byThread.values().removeIf((seconds) -> seconds < 0.01);
		byThread.replaceAll((name, seconds) -> Math.round(seconds * 1000) / 1000.0);
		result.put("cpuSeconds", processSeconds)
			.put("cpuByThread", byThread)
			.put("cpuMicrosPerTask", processSeconds * 1e6 / Math.max(1, tasks))
			.put("jitElapsedMillis", jitMillis() - this.jit)
			.put("gcMillis", gcMillis() - this.gc)
			.put("phaseWallSeconds", wallSeconds);
		if (this.machineBusy >= 0) {
			double machineSeconds = (machineBusyTicks() - this.machineBusy) / TICKS_PER_SECOND;
			double brokerSeconds = (this.brokers.isEmpty()) ? 0
					: (ticks(this.brokers) - this.broker) / TICKS_PER_SECOND;
			result.put("machineCpuSeconds", machineSeconds)
				.put("brokerCpuSeconds", this.brokers.isEmpty() ? null : brokerSeconds)
				.put("otherCpuSeconds", Math.max(0, machineSeconds - processSeconds - brokerSeconds))
				.put("machineCpuCapacitySeconds", wallSeconds * Runtime.getRuntime().availableProcessors());
		}
		return result;
	}

	private static long processCpuNanos() {
		return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	private static Map<Long, Long> threadCpuNanos() {
		Map<Long, Long> cpu = new HashMap<>();
		for (long id : THREADS.getAllThreadIds()) {
			long nanos = THREADS.getThreadCpuTime(id);
			if (nanos >= 0) {
				cpu.put(id, nanos);
			}
		}
		return cpu;
	}

	/**
	 * Return the category of a thread: its name without numbers and run-specific parts.
	 * @param name the thread name
	 * @return the category
	 */
	static String category(String name) {
		if (name.startsWith("ForkJoinPool-1-worker-")) {
			return "virtual-thread-carriers";
		}
		if (name.startsWith("kafka-task-consumer-")) {
			return "kafka-task-poll-loop";
		}
		if (name.startsWith("kafka-task-cpu-")) {
			return "kafka-task-cpu-pool";
		}
		if (name.startsWith("kafka-producer-network-thread")) {
			return "producer-network";
		}
		if (name.startsWith("consumer_background_thread")) {
			return "consumer-background";
		}
		if (name.contains("-C-")) {
			// spring-kafka consumer threads: <listener id>-<n>-C-<m>
			return "spring-kafka-consumers";
		}
		if (name.startsWith("kafka-admin-client-thread")) {
			return "admin-clients";
		}
		return name.replaceAll("[0-9]+", "#");
	}

	/**
	 * Return the CPU ticks of the JVM's own threads, by kind, from {@code /proc/self/task}.
	 * @return ticks by kind: jvm-jit-compilers, jvm-gc, jvm-vm-thread, jvm-other
	 */
	private static Map<String, Long> internalTicks() {
		Map<String, Long> ticks = new TreeMap<>();
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve("self/task"))) {
			for (Path task : tasks) {
				try {
					String stat = Files.readString(task.resolve("stat"));
					String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
					String kind = internalKind(name);
					if (kind != null) {
						String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
						ticks.merge(kind, Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
					}
				}
				catch (IOException | RuntimeException ex) {
					// gone
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux
		}
		return ticks;
	}

	private static @Nullable String internalKind(String name) {
		if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
			return "jvm-jit-compilers";
		}
		if (name.startsWith("G1 ") || name.startsWith("GC Thread") || name.startsWith("GC ")) {
			return "jvm-gc";
		}
		if (name.equals("VM Thread")) {
			return "jvm-vm-thread";
		}
		return null;
	}

	private static long jitMillis() {
		var compilation = ManagementFactory.getCompilationMXBean();
		return (compilation != null && compilation.isCompilationTimeMonitoringSupported())
				? compilation.getTotalCompilationTime() : 0;
	}

	private static long gcMillis() {
		long millis = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			millis += Math.max(0, collector.getCollectionTime());
		}
		return millis;
	}

	private static long machineBusyTicks() {
		try {
			String[] cpu = Files.readAllLines(PROC.resolve("stat")).get(0).trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < Math.min(cpu.length, 9); i++) {
				total += Long.parseLong(cpu[i]);
			}
			// idle and iowait
			return total - Long.parseLong(cpu[4]) - Long.parseLong(cpu[5]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	private static List<Path> brokerStats(String bootstrapServers) {
		List<String> ports = new ArrayList<>();
		for (String server : bootstrapServers.split(",")) {
			ports.add(":" + server.substring(server.lastIndexOf(':') + 1).trim());
		}
		List<Path> stats = new ArrayList<>();
		try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
			for (Path process : processes) {
				try {
					String[] args = new String(Files.readAllBytes(process.resolve("cmdline"))).split("\0");
					int main = List.of(args).indexOf("kafka.Kafka");
					if (main >= 0 && main + 1 < args.length) {
						String config = Files.readString(Path.of(args[main + 1]));
						if (ports.stream().anyMatch(config::contains)) {
							stats.add(process.resolve("stat"));
						}
					}
				}
				catch (IOException ex) {
					// gone, or not ours to read
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// not Linux
		}
		return stats;
	}

	private static long ticks(List<Path> stats) {
		long ticks = 0;
		for (Path stat : stats) {
			try {
				String line = Files.readString(stat);
				String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
				// utime and stime: fields 14 and 15 of proc(5), 12 and 13 after the command name
				ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			}
			catch (IOException | RuntimeException ex) {
				// gone
			}
		}
		return ticks;
	}

}
