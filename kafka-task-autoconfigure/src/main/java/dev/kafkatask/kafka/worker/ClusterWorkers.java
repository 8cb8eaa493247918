package dev.kafkatask.kafka.worker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

import dev.kafkatask.routing.Route;

/**
 * The workers of the named Kafka clusters an application consumes besides the default one
 * ({@value Route#DEFAULT_CLUSTER}): for each cluster, a {@link TaskWorker} of its queues
 * in the application's consumer group, the {@link DelayForwarder} of that cluster's delay
 * tiers and the {@link StallDetector} of its worker. They start and stop together, each
 * cluster's apart from the others', so that a cluster that is down holds only its own.
 *
 * @author kafka-task
 */
public class ClusterWorkers implements SmartLifecycle, DisposableBean {

	private final Map<String, ClusterWorker> workers = new LinkedHashMap<>();

	private boolean autoStartup = true;

	/**
	 * Create the workers.
	 * @param workers the worker of each named cluster
	 */
	public ClusterWorkers(List<ClusterWorker> workers) {
		for (ClusterWorker worker : workers) {
			Assert.isTrue(!Route.DEFAULT_CLUSTER.equals(worker.cluster()),
					() -> "The worker of the '" + Route.DEFAULT_CLUSTER + "' cluster is not one of these");
			Assert.state(this.workers.put(worker.cluster(), worker) == null,
					() -> "Two workers of Kafka cluster '" + worker.cluster() + "'");
		}
	}

	/**
	 * Return the workers, one per cluster.
	 * @return the workers, in the order given
	 */
	public Collection<ClusterWorker> all() {
		return this.workers.values();
	}

	/**
	 * Return the worker of a cluster.
	 * @param cluster the cluster
	 * @return its worker, or {@code null} when this application does not consume it
	 */
	public @Nullable ClusterWorker get(String cluster) {
		return this.workers.get(cluster);
	}

	@Override
	public void start() {
		for (ClusterWorker worker : this.workers.values()) {
			worker.delays().start();
			worker.worker().start();
		}
	}

	@Override
	public void stop() {
		List<ClusterWorker> reversed = new ArrayList<>(this.workers.values());
		Collections.reverse(reversed);
		for (ClusterWorker worker : reversed) {
			worker.worker().stop();
			worker.delays().stop();
		}
	}

	@Override
	public boolean isRunning() {
		return this.workers.values().stream().anyMatch((worker) -> worker.worker().isRunning());
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup && !this.workers.isEmpty();
	}

	/**
	 * Set whether the workers start with the application context, as the default
	 * cluster's worker does. Defaults to {@code true}.
	 * @param autoStartup whether to start on refresh
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public int getPhase() {
		return TaskWorker.DEFAULT_PHASE;
	}

	@Override
	public void destroy() {
		this.workers.values().forEach((worker) -> worker.stalls().close());
	}

	/**
	 * The worker of one named cluster.
	 *
	 * @param cluster the cluster's name
	 * @param worker the worker of its queues
	 * @param delays the forwarder of its delay tiers
	 * @param stalls tells whether its worker stalled
	 */
	public record ClusterWorker(String cluster, TaskWorker worker, DelayForwarder delays, StallDetector stalls) {

		public ClusterWorker {
			Assert.hasText(cluster, "'cluster' must not be empty");
		}

	}

}
