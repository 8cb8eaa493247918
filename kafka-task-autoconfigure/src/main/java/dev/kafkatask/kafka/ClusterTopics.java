package dev.kafkatask.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;

import dev.kafkatask.routing.RoutingRules;

/**
 * Creates the topics of the queues that routing rules send to named Kafka clusters, on those
 * clusters: each queue's task topic and dead-letter topic, its high-priority topics when it
 * is a priority queue, the cluster's delay topics, and the topics of kafka-task's own that
 * live on every named cluster ({@link #setSharedTopics}: replies, task events, the ledger of
 * redrives), created with the first provisioning even when no queue is routed there yet. It
 * works on a thread of its own, so that a cluster that is down holds neither startup nor the
 * change of a route; a cluster whose topics could not be created is tried again after a
 * pause, until it answers. Topics are only ever created, as on the default cluster.
 *
 * @author kafka-task
 */
public class ClusterTopics implements DisposableBean {

	private static final Log logger = LogFactory.getLog(ClusterTopics.class);

	private final Map<String, TopicProvisioner> provisioners;

	private final Function<RoutingRules, Map<String, Set<String>>> queuesByCluster;

	private final TaskTopics topics;

	private final DelayTiers tiers;

	private final Set<String> priorityQueues;

	private final Duration retryInterval;

	private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(
			Thread.ofPlatform().name("kafka-task-cluster-topics").daemon(true).factory());

	private final Map<String, Set<String>> wanted = new HashMap<>();

	private final Map<String, Set<String>> created = new HashMap<>();

	private final Set<String> sharedCreated = new HashSet<>();

	private Map<String, Map<String, String>> sharedTopics = Map.of();

	private boolean retryScheduled;

	/**
	 * Create the provisioning of named clusters.
	 * @param provisioners the provisioner of each named cluster
	 * @param queuesByCluster the queues that rules send to each cluster
	 * @param topics the topics of queues
	 * @param tiers the delay tiers
	 * @param priorityQueues the queues with a high-priority topic
	 * @param retryInterval how long to wait before trying a cluster again
	 */
	public ClusterTopics(Map<String, TopicProvisioner> provisioners,
			Function<RoutingRules, Map<String, Set<String>>> queuesByCluster, TaskTopics topics, DelayTiers tiers,
			Set<String> priorityQueues, Duration retryInterval) {
		this.provisioners = Map.copyOf(provisioners);
		this.queuesByCluster = queuesByCluster;
		this.topics = topics;
		this.tiers = tiers;
		this.priorityQueues = Set.copyOf(priorityQueues);
		this.retryInterval = retryInterval;
	}

	/**
	 * Set the topics of kafka-task's own to create on each named cluster, before its
	 * queues' topics: those that live on the cluster of the task's queue.
	 * @param sharedTopics the topics, each with its topic configuration
	 */
	public void setSharedTopics(Map<String, Map<String, String>> sharedTopics) {
		this.sharedTopics = Map.copyOf(sharedTopics);
	}

	/**
	 * Create, soon, the topics that the given rules need on named clusters and that were not
	 * created yet.
	 * @param rules the rules
	 */
	public void provision(RoutingRules rules) {
		if (this.provisioners.isEmpty()) {
			return;
		}
		Map<String, Set<String>> byCluster = this.queuesByCluster.apply(rules);
		synchronized (this) {
			byCluster.forEach((cluster, queues) -> {
				if (this.provisioners.containsKey(cluster)) {
					this.wanted.computeIfAbsent(cluster, (name) -> new LinkedHashSet<>()).addAll(queues);
				}
			});
		}
		try {
			this.executor.execute(this::createMissing);
		}
		catch (RejectedExecutionException ex) {
			// closed: the application stops
		}
	}

	/**
	 * Return whether the topics of a queue were created on a named cluster.
	 * @param cluster the cluster
	 * @param queue the queue
	 * @return whether they were
	 */
	public synchronized boolean isCreated(String cluster, String queue) {
		return this.created.getOrDefault(cluster, Set.of()).contains(queue);
	}

	private void createMissing() {
		Map<String, Set<String>> missing = new HashMap<>();
		synchronized (this) {
			for (String cluster : this.provisioners.keySet()) {
				Set<String> left = new LinkedHashSet<>(this.wanted.getOrDefault(cluster, Set.of()));
				left.removeAll(this.created.getOrDefault(cluster, Set.of()));
				boolean sharedMissing = !this.sharedTopics.isEmpty() && !this.sharedCreated.contains(cluster);
				if (!left.isEmpty() || sharedMissing) {
					missing.put(cluster, left);
				}
			}
		}
		boolean failed = false;
		for (Map.Entry<String, Set<String>> entry : missing.entrySet()) {
			String cluster = entry.getKey();
			Set<String> queues = entry.getValue();
			try {
				TopicProvisioner provisioner = this.provisioners.get(cluster);
				if (!isSharedCreated(cluster)) {
					provisioner.provisionTopics(this.sharedTopics);
					synchronized (this) {
						this.sharedCreated.add(cluster);
					}
					logger.info("Topics " + this.sharedTopics.keySet() + " ready on Kafka cluster '" + cluster + "'");
				}
				if (!queues.isEmpty()) {
					provisioner.provision(queues, otherTopics(queues));
					synchronized (this) {
						this.created.computeIfAbsent(cluster, (name) -> new LinkedHashSet<>()).addAll(queues);
					}
					logger.info("Task topics ready on Kafka cluster '" + cluster + "' for queues " + queues);
				}
			}
			catch (RuntimeException ex) {
				failed = true;
				logger.warn("Could not create the task topics of queues " + queues + " on Kafka cluster '" + cluster
						+ "', trying again in " + this.retryInterval + ": " + ex.getMessage());
			}
		}
		if (failed) {
			scheduleRetry();
		}
	}

	private synchronized boolean isSharedCreated(String cluster) {
		return this.sharedTopics.isEmpty() || this.sharedCreated.contains(cluster);
	}

	private synchronized void scheduleRetry() {
		if (!this.retryScheduled && !this.executor.isShutdown()) {
			this.retryScheduled = true;
			this.executor.schedule(() -> {
				synchronized (this) {
					this.retryScheduled = false;
				}
				createMissing();
			}, this.retryInterval.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private List<String> otherTopics(Set<String> queues) {
		List<String> others = new ArrayList<>(this.tiers.topics());
		others.add(this.tiers.deadLetterTopic());
		for (String queue : queues) {
			if (this.priorityQueues.contains(queue)) {
				others.add(this.topics.highPriorityTopic(queue));
				others.add(this.topics.deadLetterTopic(this.topics.highPriorityTopic(queue)));
			}
		}
		return others;
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
