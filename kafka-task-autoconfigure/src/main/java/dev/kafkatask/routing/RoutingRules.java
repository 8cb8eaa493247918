package dev.kafkatask.routing;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The routing rules of an application: a route per task, a route per queue and a default
 * backend. The most specific rule wins: task, then queue, then the default. Immutable;
 * each {@code with…} method returns a copy.
 *
 * @param defaultBackend the backend of dispatches no rule matches
 * @param queues routes by queue name
 * @param tasks routes by task name
 * @param stickyKey what keeps a ramped dispatch on its route
 * @author kafka-task
 */
public record RoutingRules(Backend defaultBackend, Map<String, Route> queues, Map<String, Route> tasks,
		StickyKey stickyKey) {

	/**
	 * Name of the rule that matches when no task or queue rule does.
	 */
	public static final String DEFAULT_RULE = "default";

	public RoutingRules {
		Assert.notNull(defaultBackend, "'defaultBackend' must not be null");
		Assert.notNull(stickyKey, "'stickyKey' must not be null");
		queues = Map.copyOf(queues);
		tasks = Map.copyOf(tasks);
	}

	/**
	 * Return rules that send everything to one backend.
	 * @param backend the backend
	 * @return the rules
	 */
	public static RoutingRules allTo(Backend backend) {
		return new RoutingRules(backend, Map.of(), Map.of(), StickyKey.TASK_ID);
	}

	/**
	 * Return the rule that decides where a dispatch goes.
	 * @param task the task name
	 * @param queue the queue
	 * @return the matching rule
	 */
	public Match match(String task, String queue) {
		Route route = this.tasks.get(task);
		if (route != null) {
			return new Match("task:" + task, route);
		}
		route = this.queues.get(queue);
		if (route != null) {
			return new Match("queue:" + queue, route);
		}
		return new Match(DEFAULT_RULE, Route.to(this.defaultBackend));
	}

	public RoutingRules withDefaultBackend(Backend backend) {
		return new RoutingRules(backend, this.queues, this.tasks, this.stickyKey);
	}

	/**
	 * Return a copy with the route of a queue set, or removed when {@code route} is
	 * {@code null}.
	 * @param queue the queue
	 * @param route the route, or {@code null}
	 * @return the new rules
	 */
	public RoutingRules withQueue(String queue, @Nullable Route route) {
		return new RoutingRules(this.defaultBackend, with(this.queues, queue, route), this.tasks, this.stickyKey);
	}

	/**
	 * Return a copy with the route of a task set, or removed when {@code route} is
	 * {@code null}.
	 * @param task the task name
	 * @param route the route, or {@code null}
	 * @return the new rules
	 */
	public RoutingRules withTask(String task, @Nullable Route route) {
		return new RoutingRules(this.defaultBackend, this.queues, with(this.tasks, task, route), this.stickyKey);
	}

	/**
	 * Return the queues that the rules send to each Kafka cluster, a ramp's share included: a
	 * queue rule names its queue, a task rule the queue of its task.
	 * @param queueOfTask the queue of a task named by a task rule
	 * @return the queues by cluster, for every cluster a rule names ({@link Route#DEFAULT_CLUSTER}
	 * included when a rule names it)
	 */
	public Map<String, Set<String>> queuesByCluster(Function<String, String> queueOfTask) {
		Map<String, Set<String>> queues = new LinkedHashMap<>();
		this.queues.forEach((queue, route) -> route.clusters()
			.forEach((cluster) -> queues.computeIfAbsent(cluster, (name) -> new LinkedHashSet<>()).add(queue)));
		this.tasks.forEach((task, route) -> route.clusters()
			.forEach((cluster) -> queues.computeIfAbsent(cluster, (name) -> new LinkedHashSet<>())
				.add(queueOfTask.apply(task))));
		return queues;
	}

	/**
	 * Check that every Kafka cluster the rules name is known.
	 * @param clusters the known clusters, {@link Route#DEFAULT_CLUSTER} among them
	 * @throws IllegalArgumentException naming the rule and the cluster otherwise
	 */
	public void checkClusters(Set<String> clusters) {
		checkClusters("queue:", this.queues, clusters);
		checkClusters("task:", this.tasks, clusters);
	}

	private static void checkClusters(String scope, Map<String, Route> routes, Set<String> clusters) {
		routes.forEach((name, route) -> route.clusters()
			.forEach((cluster) -> Assert.isTrue(clusters.contains(cluster), () -> "Rule '" + scope + name
					+ "' names Kafka cluster '" + cluster + "', which is not configured; known: " + clusters)));
	}

	private static Map<String, Route> with(Map<String, Route> routes, String name, @Nullable Route route) {
		Assert.hasText(name, "'name' must not be empty");
		Map<String, Route> copy = new LinkedHashMap<>(routes);
		if (route != null) {
			copy.put(name, route);
		}
		else {
			copy.remove(name);
		}
		return copy;
	}

	/**
	 * A rule that matched a dispatch.
	 *
	 * @param rule the rule's name: {@code task:<name>}, {@code queue:<name>} or
	 * {@value #DEFAULT_RULE}
	 * @param route its route
	 */
	public record Match(String rule, Route route) {
	}

}
