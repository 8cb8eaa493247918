package dev.kafkatask.routing;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Decides, per dispatch, which backend (and which Kafka cluster) takes a task, by {@link RoutingRules} that can be
 * replaced at any time (from the actuator, or when the environment is refreshed). A
 * replacement applies to the next dispatch; dispatches in progress keep their decision.
 * <p>
 * Ramps are sticky: the share a dispatch falls in depends only on a hash of its task id (or
 * key), so the same task id always takes the same route while the ramp stands.
 *
 * @author kafka-task
 */
public class TaskRouter {

	private static final Log logger = LogFactory.getLog(TaskRouter.class);

	private static final int BUCKETS = 10_000;

	private final AtomicReference<RoutingRules> rules;

	private final Set<String> clusters;

	private final List<Consumer<RoutingRules>> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Create a router that knows only the default Kafka cluster.
	 * @param rules the initial rules
	 */
	public TaskRouter(RoutingRules rules) {
		this(rules, Set.of(Route.DEFAULT_CLUSTER));
	}

	/**
	 * Create a router.
	 * @param rules the initial rules
	 * @param clusters the Kafka clusters rules may name ({@link Route#DEFAULT_CLUSTER} is
	 * always one)
	 * @throws IllegalArgumentException if the rules name another cluster
	 */
	public TaskRouter(RoutingRules rules, Set<String> clusters) {
		Assert.notNull(rules, "'rules' must not be null");
		Set<String> known = new TreeSet<>(clusters);
		known.add(Route.DEFAULT_CLUSTER);
		this.clusters = Collections.unmodifiableSet(known);
		rules.checkClusters(this.clusters);
		this.rules = new AtomicReference<>(rules);
	}

	/**
	 * Decide where a dispatch goes.
	 * @param task the task name
	 * @param queue the queue
	 * @param taskId the task id
	 * @param key the dispatch's partitioning key, or {@code null}
	 * @return the decision
	 */
	public RouteDecision route(String task, String queue, String taskId, @Nullable String key) {
		RoutingRules current = this.rules.get();
		RoutingRules.Match match = current.match(task, queue);
		Route route = match.route();
		Backend backend = route.backend();
		String cluster = route.cluster();
		boolean ramped = false;
		Ramp ramp = route.ramp();
		if (ramp != null) {
			String sticky = (current.stickyKey() == StickyKey.KEY && key != null) ? key : taskId;
			if (ramp.takes(bucket(sticky))) {
				backend = ramp.to();
				cluster = ramp.cluster();
				ramped = true;
			}
		}
		Backend shadow = (route.shadow() != backend) ? route.shadow() : null;
		return new RouteDecision(backend, cluster, shadow, match.rule(), ramped, route.onUnavailable());
	}

	/**
	 * Return the rules in force.
	 * @return the rules
	 */
	public RoutingRules rules() {
		return this.rules.get();
	}

	/**
	 * Return the Kafka clusters rules may name.
	 * @return the clusters, {@link Route#DEFAULT_CLUSTER} among them
	 */
	public Set<String> clusters() {
		return this.clusters;
	}

	/**
	 * Replace the rules.
	 * @param rules the new rules
	 */
	public void setRules(RoutingRules rules) {
		Assert.notNull(rules, "'rules' must not be null");
		update((current) -> rules);
	}

	/**
	 * Change the rules atomically, for example to move one queue.
	 * @param change computes the new rules from those in force
	 * @return the new rules
	 * @throws IllegalArgumentException if the new rules name an unknown Kafka cluster: the
	 * rules in force stay
	 */
	public RoutingRules update(UnaryOperator<RoutingRules> change) {
		RoutingRules previous = this.rules.get();
		RoutingRules updated = this.rules.updateAndGet((current) -> {
			RoutingRules next = change.apply(current);
			next.checkClusters(this.clusters);
			return next;
		});
		if (!updated.equals(previous)) {
			logger.info("Routing rules changed: " + updated);
			this.listeners.forEach((listener) -> listener.accept(updated));
		}
		return updated;
	}

	/**
	 * Be told whenever the rules change.
	 * @param listener receives the new rules
	 */
	public void addListener(Consumer<RoutingRules> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Return the bucket, from 0 to 9999, of a sticky key: a stable hash (CRC-32C of its
	 * UTF-8 bytes), the same in every JVM and every release.
	 * @param sticky the sticky key
	 * @return the bucket
	 */
	static int bucket(String sticky) {
		CRC32C crc = new CRC32C();
		crc.update(sticky.getBytes(StandardCharsets.UTF_8));
		return (int) (crc.getValue() % BUCKETS);
	}

}
