package dev.kafkatask.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;
import dev.kafkatask.routing.RouteDecision;
import dev.kafkatask.routing.TaskRouter;

/**
 * Where a task record written after a wait goes: to the Kafka cluster its task's queue is
 * routed to now, as a new dispatch of that task would go (sticky by the task's id or key),
 * which is this cluster unless the queue moved. The
 * {@link dev.kafkatask.kafka.worker.DelayForwarder delay forwarder} follows it for due
 * retries and countdowns, and the chord joiner and redrives, whose transactions cannot span
 * two clusters, write a record routed elsewhere to this cluster's first delay tier, due at
 * once ({@link #routed}), for the forwarder to move on. A queue that moved to another
 * cluster thus gets its tasks there, not on a topic whose consumer was drained and stopped.
 * A queue routed to RabbitMQ, or to a cluster this application does not know, keeps its
 * records on this cluster.
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
		String taskId = header(record.headers(), TaskHeaders.TASK_ID);
		String task = header(record.headers(), TaskHeaders.TASK_NAME);
		if (taskId == null || task == null) {
			return this.cluster;
		}
		return clusterOf(task, taskId, record.key(), queue);
	}

	/**
	 * Return the record to write on this cluster for a task record bound for its queue's
	 * topic here, in a transaction of this cluster: the record itself when its queue is routed
	 * here, else the same record in this cluster's first delay tier, due at once, which the
	 * forwarder of this cluster moves to where the queue is routed.
	 * @param record the task record, to the topic of its queue
	 * @param task its task's name
	 * @param taskId its task's id
	 * @param queue its queue
	 * @param tiers the delay tiers of this cluster
	 * @param now the time it is due
	 * @return the record to write
	 */
	public ProducerRecord<String, byte[]> routed(ProducerRecord<String, byte[]> record, String task, String taskId,
			String queue, DelayTiers tiers, Instant now) {
		if (clusterOf(task, taskId, record.key(), queue).equals(this.cluster)) {
			return record;
		}
		ProducerRecord<String, byte[]> delayed = new ProducerRecord<>(tiers.topic(tiers.tiers().get(0)), null,
				record.key(), record.value());
		Set<String> omitted = Set.of(DelayedTaskPublisher.DUE, DelayedTaskPublisher.TARGET, TaskHeaders.TASK_ID,
				TaskHeaders.TASK_NAME);
		for (Header header : record.headers()) {
			if (!omitted.contains(header.key())) {
				delayed.headers().add(header);
			}
		}
		// the forwarder routes it by these, as it routes every delayed record
		delayed.headers().add(TaskHeaders.TASK_ID, taskId.getBytes(StandardCharsets.UTF_8));
		delayed.headers().add(TaskHeaders.TASK_NAME, task.getBytes(StandardCharsets.UTF_8));
		delayed.headers()
			.add(DelayedTaskPublisher.DUE, Long.toString(now.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
		delayed.headers().add(DelayedTaskPublisher.TARGET, record.topic().getBytes(StandardCharsets.UTF_8));
		return delayed;
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

	private static @Nullable String header(Headers headers, String name) {
		Header header = headers.lastHeader(name);
		return (header != null && header.value() != null) ? new String(header.value(), StandardCharsets.UTF_8) : null;
	}

}
