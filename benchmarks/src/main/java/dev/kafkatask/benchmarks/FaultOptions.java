package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Command-line options of the {@code faults} scenario.
 *
 * @param faults the faults to run, in order
 * @param clusterDir the directory of the cluster that {@code scripts/kafka-cluster.sh} started,
 * or {@code null} when not given (the scenario then refuses to run)
 * @param clusterScript {@code scripts/kafka-cluster.sh}, or {@code null} to look for it above
 * the working directory
 * @param workers worker JVMs in the group
 * @param taskMs how long each task sleeps
 * @param steady how long the stream runs before each fault
 * @param afterRecovery how long the stream goes on once completions are back at the pre-fault
 * rate
 * @param hold how long a broker fault lasts before it is undone, and how long a killed worker
 * stays dead before its replacement starts
 * @param faultTimeout most time one fault may take, the drain included (the soak: beyond its
 * own length)
 * @param stall how long the network fault stalls the troubled worker's connections
 * @param drop how long the network fault then drops them
 * @param soak how long the soak streams
 * @param staticMembership whether each worker has a {@code group.instance.id} of its slot,
 * which its replacement takes over
 * @author kafka-task
 */
record FaultOptions(List<Fault> faults, @Nullable String clusterDir, @Nullable String clusterScript, int workers,
		int taskMs, Duration steady, Duration afterRecovery, Duration hold, Duration faultTimeout, Duration stall,
		Duration drop, Duration soak, boolean staticMembership) {

	FaultOptions {
		faults = List.copyOf(faults);
	}

}
