package dev.kafkatask.benchmarks;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A fault of the {@code faults} scenario.
 *
 * @author kafka-task
 */
enum Fault {

	/**
	 * {@code kill -9} of the broker leading most task partitions, restarted after the hold.
	 */
	BROKER_KILL("broker-kill"),

	/**
	 * Two of the three brokers killed: fewer in-sync replicas than {@code min.insync.replicas}
	 * (and, with combined broker and controller nodes, no controller quorum) for twice the hold,
	 * then both restarted.
	 */
	BELOW_MIN_INSYNC("below-min-insync"),

	/**
	 * {@code kill -9} of the worker with most partitions while tasks stream in; a new one
	 * started after the hold, as a supervisor would.
	 */
	WORKER_KILL("worker-kill"),

	/**
	 * A deploy: each worker in turn stopped cleanly, started again, and awaited until it has
	 * partitions.
	 */
	ROLLING_RESTART("rolling-restart"),

	/**
	 * Network trouble for one worker (the one in slot 1, which reaches the brokers through a
	 * {@link TcpProxy}): its connections stall for {@code --stall-s}, then are dropped, and new
	 * ones refused, for {@code --drop-s}, then the network heals.
	 */
	NETWORK("network"),

	/**
	 * No fault: {@code --soak-s} of stream with retries and time limits at work, the workers'
	 * heap after GC and thread counts sampled. Run only when named.
	 */
	SOAK("soak");

	private final String id;

	Fault(String id) {
		this.id = id;
	}

	String id() {
		return this.id;
	}

	/**
	 * Return the faults run when none are named: all but the soak.
	 * @return the faults, in order
	 */
	static List<Fault> defaults() {
		return Arrays.stream(values()).filter((fault) -> fault != SOAK).toList();
	}

	static Fault of(String id) {
		return Arrays.stream(values())
			.filter((fault) -> fault.id.equals(id.toLowerCase(Locale.ROOT)))
			.findFirst()
			.orElseThrow(() -> new IllegalArgumentException("Unknown fault '" + id + "': "
					+ Arrays.stream(values()).map(Fault::id).collect(Collectors.joining(", "))));
	}

}
