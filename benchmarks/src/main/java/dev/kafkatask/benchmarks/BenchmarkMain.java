package dev.kafkatask.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Entry point: {@code java -jar kafka-task-benchmarks.jar SCENARIO --bootstrap-servers
 * HOST:PORT [options]}. Progress goes to standard output line by line, logs to standard
 * error; the last line of standard output is one JSON object with the results. With
 * {@code fault-worker} as first argument it runs a worker JVM of the {@code faults} scenario
 * instead ({@link FaultWorker}).
 *
 * @author kafka-task
 */
public final class BenchmarkMain {

	private BenchmarkMain() {
	}

	public static void main(String[] args) throws InterruptedException {
		if (args.length > 0 && args[0].equals(FaultWorker.COMMAND)) {
			FaultWorker.main(Arrays.copyOfRange(args, 1, args.length));
			return;
		}
		BenchmarkOptions options;
		Scenario scenario;
		try {
			options = BenchmarkOptions.parse(args);
			scenario = Scenario.named(options.scenario());
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(BenchmarkOptions.USAGE);
			System.exit(2);
			return;
		}
		double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
		Result result = new Result().put("scenario", options.scenario());
		int status = 0;
		try (BenchmarkRun run = new BenchmarkRun(options)) {
			result.putAll(scenario.run(run)).putAll(run.environment());
		}
		catch (Exception ex) {
			ex.printStackTrace();
			result.put("error", String.valueOf(ex));
			status = 1;
		}
		result.put("loadAverageBefore", loadBefore);
		System.out.println(result.toJson());
		System.out.flush();
		System.exit(status);
	}

}
