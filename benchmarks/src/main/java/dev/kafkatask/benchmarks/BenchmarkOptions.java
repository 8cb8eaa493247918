package dev.kafkatask.benchmarks;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.OnUnavailable;

/**
 * Command-line options of a benchmark run.
 *
 * @param scenario the scenario: table, hol, throughput, inflight, fuzz or faults
 * @param bootstrapServers the broker to run against
 * @param engine what runs the tasks
 * @param jobs tasks each request dispatches (table)
 * @param requests concurrent requests, each a dispatching thread (table, hol)
 * @param ioMs how long each task sleeps (table, inflight)
 * @param tasks how many tasks (hol: fast tasks; throughput, inflight)
 * @param slowMs how long the slow task of each partition sleeps (hol)
 * @param fastMs how long a fast task sleeps (hol)
 * @param partitions partitions of the benchmark topics
 * @param maxInFlight {@code kafka-task.worker.max-in-flight}, or {@code null} for the
 * scenario's choice
 * @param warmup tasks run through the whole path before the measured phase
 * @param dispatchThreads threads that preload the topic (throughput, inflight)
 * @param timeout how long a phase may take before the run gives up waiting
 * @param properties further Spring properties for every context, overriding the scenario's
 * @param rate tasks per second (hol: fast tasks, {@code 0} for a burst; faults: the steady
 * stream), or {@code null} for the scenario's choice
 * @param repeat how many times to run the measured phase in the same run (table)
 * @param timeline file to write each measured task's dispatch, start and completion time to
 * (CSV), or {@code null}
 * @param jfr file to write a Java Flight Recording of the measured phase to, or {@code null}
 * @param seed the seed of generated inputs (fuzz), or {@code null} for a random one
 * @param faults the options of the faults scenario (and of rabbit-faults)
 * @param rabbit the options of the rabbit-faults scenario
 * @author kafka-task
 */
record BenchmarkOptions(String scenario, String bootstrapServers, Engine engine, int jobs, int requests, long ioMs,
		@Nullable Integer tasks, long slowMs, long fastMs, int partitions, @Nullable Integer maxInFlight, int warmup,
		int dispatchThreads, Duration timeout, Map<String, String> properties, @Nullable Integer rate, int repeat,
		@Nullable String timeline, @Nullable String jfr, @Nullable Long seed, FaultOptions faults,
		RabbitRampOptions rabbit) {

	static final String USAGE = """
			usage: java -jar kafka-task-benchmarks.jar SCENARIO --bootstrap-servers HOST:PORT [options]
			scenarios:
			  table       --jobs J --requests R --io-ms MS    R threads each dispatch J tasks sleeping MS ms
			  hol         --tasks N --slow-ms MS [--fast-ms F] N fast tasks + one slow task per partition
			              [--rate T]                          fast tasks dispatched at T per second (default 2000,
			                                                  0: a burst from the R requests)
			  throughput  --tasks N                           N no-op tasks preloaded, then executed and committed
			  inflight    --tasks N --io-ms MS                heap per task with N tasks in flight (kafka-task only)
			  fuzz        --tasks N [--seed S]                N mutated envelopes (seeded) sent raw to a live worker: each
			                                                  must run or be dead-lettered, and commits reach the end
			  faults      --cluster-dir D                     a steady stream (--rate, default 200/s) run by worker JVMs on
			                                                  the 3-node cluster of scripts/kafka-cluster.sh in D, through
			                                                  faults; one JSON line per fault (docs/reliability.md)
			  rabbit-faults                                   a steady stream on a queue ramped from RabbitMQ to Kafka, run by
			                                                  worker JVMs consuming both legs, while RabbitMQ restarts; one
			                                                  JSON line per --on-unavailable policy (docs/reliability.md)
			options:
			  --engine kafka-task|spring-kafka|share   what runs the tasks (default kafka-task; share: kafka-task
			                                     consuming through a share group)
			  --partitions P                     partitions of the fresh topics (default 6)
			  --max-in-flight M                  kafka-task.worker.max-in-flight (default: the scenario's)
			  --warmup W                         warm-up tasks (1 ms each) before the measured phase (default 100000)
			  --dispatch-threads T               threads preloading the topic (default 4; throughput, inflight)
			  --timeout-s S                      give up waiting for a phase after S seconds (default 600)
			  --property KEY=VALUE               any Spring property, repeatable
			                                     (e.g. spring.kafka.consumer.max-poll-records=1000)
			  --repeat K                         run the measured burst K times in the same JVM, report each (table)
			  --timeline FILE                    write each measured task's dispatch/start/completion ms (CSV)
			  --jfr FILE                         record the measured phase with Java Flight Recorder
			                                     ('profile' settings)
			faults options:
			  --faults F,...                     which faults, in order (default all but soak): broker-kill,
			                                     below-min-insync, worker-kill, rolling-restart, network, soak
			  --cluster-script FILE              scripts/kafka-cluster.sh (default: found above the working directory)
			  --workers W                        worker JVMs in the group (default 3)
			  --task-ms MS                       how long each task sleeps (default 2)
			  --steady-s S                       seconds of steady stream before each fault (default 10)
			  --after-recovery-s S               seconds the stream goes on once completions are back at the
			                                     pre-fault rate (default 5)
			  --hold-s S                         seconds a broker fault lasts before it is undone (default 10;
			                                     below-min-insync: twice that) and a killed worker is replaced
			  --fault-timeout-s S                most seconds one fault may take, drain included (default 150)
			  --stall-s S, --drop-s S            network: seconds the troubled worker's connections stall, then
			                                     are dropped (default 20, 40)
			  --soak-s S                         soak: seconds of stream (default 600)
			  --static-membership true|false     each worker has a group.instance.id of its slot, which its
			                                     replacement takes over (default false)
			rabbit-faults options (and --workers, --task-ms, --steady-s, --after-recovery-s, --hold-s,
			                       --fault-timeout-s):
			  --restart rabbitmqctl|proxy        how RabbitMQ restarts: rabbitmqctl stop_app/start_app (default) or a
			                                     TCP proxy of the scenario's that drops and refuses connections
			  --on-unavailable P,...             the route's on-unavailable policy, one restart each (default fail,kafka)
			  --ramp-percent P                   share of the queue's tasks ramped from RabbitMQ to Kafka (default 50)
			  --rabbitmq-url URL                 amqp://user:password@host:port (default amqp://guest:guest@127.0.0.1:5672)
			  --rabbitmqctl FILE                 the rabbitmqctl command (default rabbitmqctl)
			  --work-dir D                       where the workers' logs and journals go (default: a new temporary one)
			""";

	static BenchmarkOptions parse(String... args) {
		if (args.length == 0 || args[0].startsWith("--")) {
			throw new IllegalArgumentException("No scenario given");
		}
		String scenario = args[0];
		Map<String, String> values = new LinkedHashMap<>();
		Map<String, String> properties = new LinkedHashMap<>();
		for (int i = 1; i < args.length; i++) {
			String name = args[i];
			if (!name.startsWith("--")) {
				throw new IllegalArgumentException("Unexpected argument '" + name + "'");
			}
			String value;
			int equals = name.indexOf('=');
			if (equals > 0 && !name.equals("--property")) {
				value = name.substring(equals + 1);
				name = name.substring(0, equals);
			}
			else if (i + 1 < args.length) {
				value = args[++i];
			}
			else {
				throw new IllegalArgumentException("Option " + name + " needs a value");
			}
			if (name.equals("--property")) {
				int split = value.indexOf('=');
				if (split <= 0) {
					throw new IllegalArgumentException("--property needs KEY=VALUE, not '" + value + "'");
				}
				properties.put(value.substring(0, split), value.substring(split + 1));
			}
			else {
				values.put(name.substring(2), value);
			}
		}
		Options options = new Options(values);
		String bootstrap = options.string("bootstrap-servers", null);
		if (bootstrap == null) {
			throw new IllegalArgumentException("--bootstrap-servers HOST:PORT is required");
		}
		BenchmarkOptions parsed = new BenchmarkOptions(scenario, bootstrap,
				Engine.of(options.string("engine", Engine.KAFKA_TASK.id())), options.integer("jobs", 300),
				options.integer("requests", 20), options.integer("io-ms", 5000), options.optionalInteger("tasks"),
				options.integer("slow-ms", 60_000), options.integer("fast-ms", 0), options.integer("partitions", 6),
				options.optionalInteger("max-in-flight"), options.integer("warmup", 100_000),
				options.integer("dispatch-threads", 4), Duration.ofSeconds(options.integer("timeout-s", 600)),
				properties, options.optionalInteger("rate"), Math.max(1, options.integer("repeat", 1)),
				options.string("timeline", null), options.string("jfr", null), seed(options.string("seed", null)),
				faults(options), rabbit(options));
		options.rejectUnknown();
		return parsed;
	}

	private static @Nullable Long seed(@Nullable String seed) {
		try {
			return (seed != null) ? Long.parseLong(seed) : null;
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("--seed must be a whole number, not '" + seed + "'", ex);
		}
	}

	private static FaultOptions faults(Options options) {
		String list = options.string("faults", null);
		List<Fault> faults = new ArrayList<>();
		if (list == null) {
			faults.addAll(Fault.defaults());
		}
		else {
			for (String name : list.split(",")) {
				if (!name.isBlank()) {
					faults.add(Fault.of(name.trim()));
				}
			}
			if (faults.isEmpty()) {
				throw new IllegalArgumentException("--faults names no fault");
			}
		}
		int workers = options.integer("workers", 3);
		if (workers < 2) {
			throw new IllegalArgumentException("--workers must be at least 2 (one group, a worker killed), not " + workers);
		}
		return new FaultOptions(faults, options.string("cluster-dir", null), options.string("cluster-script", null),
				workers, options.integer("task-ms", 2), Duration.ofSeconds(options.integer("steady-s", 10)),
				Duration.ofSeconds(options.integer("after-recovery-s", 5)),
				Duration.ofSeconds(options.integer("hold-s", 10)),
				Duration.ofSeconds(options.integer("fault-timeout-s", 150)),
				Duration.ofSeconds(options.integer("stall-s", 20)), Duration.ofSeconds(options.integer("drop-s", 40)),
				Duration.ofSeconds(options.integer("soak-s", 600)), bool(options, "static-membership"));
	}

	private static boolean bool(Options options, String name) {
		String value = options.string(name, "false");
		if (!value.equals("true") && !value.equals("false")) {
			throw new IllegalArgumentException("--" + name + " needs true or false, not '" + value + "'");
		}
		return Boolean.parseBoolean(value);
	}

	private static RabbitRampOptions rabbit(Options options) {
		List<OnUnavailable> policies = new ArrayList<>();
		for (String name : options.string("on-unavailable", "fail,kafka").split(",")) {
			if (!name.isBlank()) {
				try {
					policies.add(OnUnavailable.valueOf(name.trim().toUpperCase(Locale.ROOT)));
				}
				catch (IllegalArgumentException ex) {
					throw new IllegalArgumentException("Unknown --on-unavailable '" + name + "': fail or kafka", ex);
				}
			}
		}
		String workDir = options.string("work-dir", null);
		String url = options.string("rabbitmq-url", RabbitRampOptions.DEFAULT_URL);
		URI uri;
		try {
			uri = URI.create(url);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("--rabbitmq-url must be amqp://user:password@host:port, not " + url, ex);
		}
		return new RabbitRampOptions(RabbitRampOptions.Restart.of(options.string("restart", "rabbitmqctl")), policies,
				options.integer("ramp-percent", 50), uri, options.string("rabbitmqctl", "rabbitmqctl"),
				(workDir != null) ? Path.of(workDir) : null);
	}

	int tasksOr(int defaultTasks) {
		return (this.tasks != null) ? this.tasks : defaultTasks;
	}

	int rateOr(int defaultRate) {
		return (this.rate != null) ? this.rate : defaultRate;
	}

	private static final class Options {

		private final Map<String, String> values;

		private final Map<String, String> unread;

		Options(Map<String, String> values) {
			this.values = values;
			this.unread = new LinkedHashMap<>(values);
		}

		@Nullable String string(String name, @Nullable String defaultValue) {
			this.unread.remove(name);
			return this.values.getOrDefault(name, defaultValue);
		}

		int integer(String name, int defaultValue) {
			Integer value = optionalInteger(name);
			return (value != null) ? value : defaultValue;
		}

		@Nullable Integer optionalInteger(String name) {
			String value = string(name, null);
			if (value == null) {
				return null;
			}
			try {
				int parsed = Integer.parseInt(value.replace("_", "").replace(",", ""));
				if (parsed < 0) {
					throw new NumberFormatException();
				}
				return parsed;
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("--" + name + " needs a whole number >= 0, not '" + value + "'");
			}
		}

		void rejectUnknown() {
			if (!this.unread.isEmpty()) {
				throw new IllegalArgumentException("Unknown option(s): --" + String.join(", --", this.unread.keySet()));
			}
		}

	}

}
