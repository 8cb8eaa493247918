package dev.kafkatask.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Brings about each fault of the {@code faults} scenario and undoes it: kills and restarts
 * brokers through {@link KafkaCluster}, kills and replaces workers in the {@link WorkerGroup},
 * troubles a worker's network through the {@link TcpProxy}, or lets the soak run, and says
 * when the fault began and when it was undone.
 *
 * @author kafka-task
 */
final class FaultInjector {

	static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

	private FaultInjector() {
	}

	/**
	 * Bring the fault about and undo it; return when it began and when it was undone.
	 */
	static Injected inject(Context context, FaultEvents events) throws Exception {
		KafkaCluster cluster = context.cluster();
		WorkerGroup workers = context.workers();
		Duration hold = context.faults().hold();
		Map<String, Object> details = new LinkedHashMap<>();
		switch (context.fault()) {
			case BROKER_KILL -> {
				Map<Integer, Integer> leaders = cluster.leaders(context.topic());
				int node = KafkaCluster.byLeadership(leaders).get(0);
				details.put("killedNodes", List.of(node));
				details.put("leadersBefore", leaders);
				long faultAt = System.currentTimeMillis();
				cluster.kill(node);
				events.add(faultAt, "kill -9 node " + node + ", leader of " + leaders.get(node) + " task partitions");
				FaultWaits.sleepUntilMillis(faultAt + hold.toMillis());
				events.add(System.currentTimeMillis(), "starting node " + node + " again");
				cluster.startNode(node);
				long restoredAt = System.currentTimeMillis();
				events.add(restoredAt, "node " + node + " serves again");
				return new Injected(faultAt, restoredAt, details);
			}
			case BELOW_MIN_INSYNC -> {
				Map<Integer, Integer> leaders = cluster.leaders(context.topic());
				List<Integer> nodes = KafkaCluster.byLeadership(leaders).subList(0, 2);
				details.put("killedNodes", nodes);
				details.put("leadersBefore", leaders);
				long faultAt = System.currentTimeMillis();
				for (int node : nodes) {
					cluster.kill(node);
				}
				events.add(faultAt, "kill -9 nodes " + nodes + ": one replica of three left, no controller quorum");
				FaultWaits.sleepUntilMillis(faultAt + 2 * hold.toMillis());
				events.add(System.currentTimeMillis(), "starting nodes " + nodes + " again");
				List<Thread> starting = new ArrayList<>();
				List<Exception> failures = new ArrayList<>();
				for (int node : nodes) {
					starting.add(Thread.ofPlatform().start(() -> {
						try {
							cluster.startNode(node);
						}
						catch (Exception ex) {
							synchronized (failures) {
								failures.add(ex);
							}
						}
					}));
				}
				for (Thread thread : starting) {
					thread.join();
				}
				if (!failures.isEmpty()) {
					throw failures.get(0);
				}
				long restoredAt = System.currentTimeMillis();
				events.add(restoredAt, "nodes " + nodes + " serve again");
				return new Injected(faultAt, restoredAt, details);
			}
			case WORKER_KILL -> {
				WorkerJvm victim = workers.mostAssigned();
				int partitions = victim.assigned();
				details.put("killedWorker", victim.name());
				details.put("killedWorkerPartitions", partitions);
				long faultAt = System.currentTimeMillis();
				workers.kill(victim);
				events.add(faultAt, "kill -9 worker " + victim.name() + " (" + partitions + " partitions)");
				FaultWaits.sleepUntilMillis(faultAt + hold.toMillis());
				events.add(System.currentTimeMillis(), "starting a new worker, as a supervisor would");
				WorkerJvm successor = workers.startOne(READY_TIMEOUT);
				long restoredAt = System.currentTimeMillis();
				events.add(restoredAt, "worker " + successor.name() + " has " + successor.assigned() + " partitions");
				return new Injected(faultAt, restoredAt, details);
			}
			case ROLLING_RESTART -> {
				long faultAt = System.currentTimeMillis();
				List<String> restarted = new ArrayList<>();
				boolean allClean = true;
				for (WorkerJvm worker : workers.running()) {
					long stopAt = System.currentTimeMillis();
					events.add(stopAt, "stopping worker " + worker.name() + " (SIGTERM)");
					boolean clean = workers.stop(worker, STOP_TIMEOUT);
					allClean &= clean;
					events.add(System.currentTimeMillis(), "worker " + worker.name()
							+ (clean ? " stopped" : " did not stop in time: killed"));
					WorkerJvm successor = workers.startOne(READY_TIMEOUT);
					events.add(System.currentTimeMillis(), "worker " + successor.name() + " has "
							+ successor.assigned() + " partitions");
					restarted.add(worker.name() + "->" + successor.name());
				}
				details.put("restarted", restarted);
				details.put("allStoppedCleanly", allClean);
				return new Injected(faultAt, System.currentTimeMillis(), details);
			}
			case NETWORK -> {
				TcpProxy proxy = context.proxy();
				WorkerJvm victim = workers.inSlot(1);
				if (proxy == null || victim == null) {
					throw new IllegalStateException("No worker reaches the brokers through the proxy");
				}
				FaultOptions faults = context.faults();
				details.put("troubledWorker", victim.name());
				details.put("troubledWorkerPartitions", victim.assigned());
				long faultAt = System.currentTimeMillis();
				proxy.mode(TcpProxy.Mode.STALL);
				events.add(faultAt, "stalling every connection of worker " + victim.name() + " ("
						+ victim.assigned() + " partitions)");
				FaultWaits.sleepUntilMillis(faultAt + faults.stall().toMillis());
				proxy.mode(TcpProxy.Mode.DROP);
				events.add(System.currentTimeMillis(), "dropping its connections (" + proxy.dropped()
						+ " sockets closed), refusing new ones");
				FaultWaits.sleepUntilMillis(faultAt + faults.stall().plus(faults.drop()).toMillis());
				proxy.mode(TcpProxy.Mode.PASS);
				long restoredAt = System.currentTimeMillis();
				events.add(restoredAt, "network of worker " + victim.name() + " healed (" + proxy.refused()
						+ " connections refused while dropping); it has " + victim.assigned() + " partitions");
				details.put("proxyConnectionsAccepted", proxy.accepted());
				details.put("proxyConnectionsRefused", proxy.refused());
				details.put("proxySocketsDropped", proxy.dropped());
				return new Injected(faultAt, restoredAt, details);
			}
			case SOAK -> {
				long faultAt = System.currentTimeMillis();
				events.add(faultAt, "soak: " + context.faults().soak().toSeconds()
						+ " s of stream, with retries and time limits");
				FaultWaits.sleepUntilMillis(faultAt + context.faults().soak().toMillis());
				long restoredAt = System.currentTimeMillis();
				events.add(restoredAt, "soak over");
				return new Injected(faultAt, restoredAt, details);
			}
		}
		throw new IllegalStateException("Unknown fault " + context.fault());
	}

	/**
	 * What a fault works on.
	 */
	record Context(Fault fault, int index, KafkaCluster cluster, WorkerGroup workers, @Nullable TcpProxy proxy,
			String topic, int rate, FaultOptions faults) {
	}

	/**
	 * A fault brought about and undone.
	 */
	record Injected(long faultAt, long restoredAt, Map<String, Object> details) {
	}

}
