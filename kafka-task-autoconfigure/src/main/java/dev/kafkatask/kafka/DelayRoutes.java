package dev.kafkatask.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.RouteDecision;
import dev.kafkatask.routing.TaskRouter;

/**
 * Where a {@link DelayForwarder} writes a due record: to the Kafka cluster its task's queue is
 * routed to now, as a new dispatch of that task would go (sticky by the task's id or key),
 * which is the forwarder's own cluster unless the queue moved. A retry or countdown of a
 * queue that moved to another cluster while it waited thus runs there, not on a topic whose
 * consumer was drained and stopped. A queue routed to RabbitMQ, or to a cluster this
 * application does not know, keeps its records on the forwarder's cluster.
 *
 * @author kafka-task
 */
public class DelayRoutes {

	private final String cluster;

	private final TaskRouter router;

	private final Map<String, DelayedTaskPublisher> publishers;

	/**
	 * Create the routes of one cluster's forwarder.
	 * @param cluster the forwarder's cluster
	 * @param router the routing rules in force
	 * @param publishers the publisher of each Kafka cluster, the forwarder's among them
	 */
	public DelayRoutes(String cluster, TaskRouter router, Map<String, DelayedTaskPublisher> publishers) {
		Assert.isTrue(publishers.containsKey(cluster), () -> "No publisher of Kafka cluster '" + cluster + "'");
		this.cluster = cluster;
		this.router = router;
		this.publishers = Map.copyOf(publishers);
	}

	/**
	 * Return the cluster a due record goes to.
	 * @param record the delayed record
	 * @param queue its target queue
	 * @return the name of the cluster
	 */
	public String clusterOf(ConsumerRecord<String, byte[]> record, String queue) {
		String taskId = header(record, TaskHeaders.TASK_ID);
		String task = header(record, TaskHeaders.TASK_NAME);
		if (taskId == null || task == null) {
			return this.cluster;
		}
		return clusterOf(task, taskId, record.key(), queue);
	}

	/**
	 * Return the cluster a task written now goes to.
	 * @param task the task name
	 * @param taskId its id
	 * @param key its key, or {@code null}
	 * @param queue its queue
	 * @return the name of the cluster
	 */
	public String clusterOf(String task, String taskId, @Nullable String key, String queue) {
		RouteDecision decision = this.router.route(task, queue, taskId, key);
		if (decision.backend() != Backend.KAFKA) {
			return this.cluster;
		}
		String routed = (decision.cluster() != null) ? decision.cluster() : Route.DEFAULT_CLUSTER;
		return this.publishers.containsKey(routed) ? routed : this.cluster;
	}

	/**
	 * Return the publisher of a cluster.
	 * @param cluster a cluster {@link #clusterOf} returned
	 * @return its publisher
	 */
	public DelayedTaskPublisher publisher(String cluster) {
		DelayedTaskPublisher publisher = this.publishers.get(cluster);
		Assert.state(publisher != null, () -> "No publisher of Kafka cluster '" + cluster + "'");
		return publisher;
	}

	/**
	 * Return the forwarder's own cluster.
	 * @return its name
	 */
	public String cluster() {
		return this.cluster;
	}

	private static @Nullable String header(ConsumerRecord<String, byte[]> record, String name) {
		Header header = record.headers().lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
