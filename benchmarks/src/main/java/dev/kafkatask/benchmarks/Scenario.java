package dev.kafkatask.benchmarks;

import java.util.Locale;

/**
 * A benchmark scenario.
 *
 * @author kafka-task
 */
interface Scenario {

	/**
	 * Run the scenario.
	 * @param run the run, with its options
	 * @return the figures measured
	 * @throws Exception if the run failed
	 */
	Result run(BenchmarkRun run) throws Exception;

	static Scenario named(String name) {
		return switch (name.toLowerCase(Locale.ROOT)) {
			case "table" -> new TableScenario();
			case "hol" -> new HeadOfLineScenario();
			case "throughput" -> new ThroughputScenario();
			case "inflight" -> new InFlightScenario();
			case "fuzz" -> new FuzzScenario();
			case "faults" -> new FaultScenario();
			case "rabbit-faults" -> new RabbitRampScenario();
			default -> throw new IllegalArgumentException("Unknown scenario '" + name
					+ "': table, hol, throughput, inflight, fuzz, faults or rabbit-faults");
		};
	}

}
