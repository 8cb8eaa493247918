package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.util.Assert;

import dev.kafkatask.execution.DeliveryHandler;
import dev.kafkatask.execution.RevokedTasks;
import dev.kafkatask.execution.TaskLifecycle;
import dev.kafkatask.kafka.DelayTiers;
import dev.kafkatask.kafka.DelayRoutes;
import dev.kafkatask.kafka.DelayedTaskPublisher;
import dev.kafkatask.kafka.TaskHeaders;
import dev.kafkatask.monitor.Revocation;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Moves delayed task records on when they are due: reads the delay tiers with a consumer of
 * its own, and for each partition pauses at the first record that is not due yet (seeking
 * back to it) until it is, so waiting records stay on disk. A due record goes to its target
 * topic, or down to the next tier if some of its delay remains; offsets are committed once
 * the records moved were acknowledged (a crash moves some twice, never none).
 * <p>
 * It writes only where {@link DelayTargets} allows: a record whose delay headers are missing
 * or malformed ({@code invalid-delay}), or whose target is not the topic of a known queue
 * ({@code forbidden-destination}), is dead-lettered and committed like the others, never
 * dropped; while its dead letter cannot be written, nothing after it is committed.
 * <p>
 * Its consumer runs on a {@link SupervisedThread} ({@code delays}): any failure — a commit, a
 * send, the broker — is logged, counted and backed off from, the consumer is closed and a new
 * one reads again from the last commit. Only {@link #stop()} ends it.
 *
 * @author kafka-task
 */
public class DelayForwarder implements SmartLifecycle {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "delays";

	private static final Log logger = LogFactory.getLog(DelayForwarder.class);

	private static final Duration MAX_POLL = Duration.ofMillis(500);

	private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String groupId;

	private final DelayTiers tiers;

	private final DelayedTaskPublisher publisher;

	private final DeadLetterPublisher deadLetters;

	private final DelayTargets targets;

	private final TaskObserver observer;

	private final Clock clock;

	private final SupervisedThread thread;

	private boolean autoStartup = true;

	private @Nullable RevokedTasks revoked;

	private TaskLifecycle lifecycle = TaskLifecycle.NONE;

	private Predicate<String> knownTask = (task) -> false;

	private String cluster = Route.DEFAULT_CLUSTER;

	/**
	 * When each paused partition's head record is due; only the supervised thread uses it.
	 */
	private final Map<TopicPartition, Long> resumeAt = new HashMap<>();

	private volatile @Nullable Consumer<String, byte[]> consumer;

	private volatile @Nullable String clientIdSuffix;

	private volatile @Nullable DelayRoutes routes;

	/**
	 * Create a forwarder.
	 * @param consumerFactory creates its consumer
	 * @param groupId its consumer group
	 * @param publisher writes records on, to a lower tier or their target
	 * @param deadLetters writes the records it cannot move on
	 * @param targets where it may write
	 * @param observer told of dead letters and failures
	 * @param clock tells when records are due
	 */
	public DelayForwarder(ConsumerFactory<String, byte[]> consumerFactory, String groupId,
			DelayedTaskPublisher publisher, DeadLetterPublisher deadLetters, DelayTargets targets,
			TaskObserver observer, Clock clock) {
		this.consumerFactory = consumerFactory;
		this.groupId = groupId;
		this.tiers = publisher.tiers();
		this.publisher = publisher;
		this.deadLetters = deadLetters;
		this.targets = targets;
		this.observer = observer;
		this.clock = clock;
		this.thread = new SupervisedThread(THREAD, "kafka-task-delays-" + groupId, new Loop(), observer);
		this.thread.setClock(clock);
	}

	/**
	 * Set the Kafka cluster of the delay tiers it reads, before {@link #start()};
	 * {@value Route#DEFAULT_CLUSTER} by default. The {@code revoked} events of the tasks it
	 * drops belong to it, and on a named cluster its consumer's client id and its thread's
	 * name end with it, so that the forwarders of two clusters in one application are told
	 * apart in meters, MBeans and thread dumps.
	 * @param cluster the cluster's name
	 */
	public void setCluster(String cluster) {
		Assert.hasText(cluster, "'cluster' must not be empty");
		this.cluster = cluster;
		String suffix = Route.DEFAULT_CLUSTER.equals(cluster) ? null : "-" + cluster;
		this.clientIdSuffix = suffix;
		this.thread.setThreadName("kafka-task-delays-" + this.groupId + ((suffix != null) ? suffix : ""));
	}

	/**
	 * Set where due records go when their queue is routed to another Kafka cluster than this
	 * forwarder's: without routes, every record stays on this forwarder's cluster.
	 * @param routes the routes, whose own cluster is this forwarder's
	 */
	public void setRoutes(@Nullable DelayRoutes routes) {
		this.routes = routes;
	}

	/**
	 * Set where revocations are read: a revoked task's delayed record is dropped when due,
	 * its task settled {@code revoked}.
	 * @param revoked the revocations
	 * @param lifecycle where the {@code revoked} event goes
	 * @param knownTask whether a task name (from a record's header) is a registered task's,
	 * to count the drop under; others are counted as {@code unknown}
	 */
	public void setRevokedTasks(RevokedTasks revoked, TaskLifecycle lifecycle, Predicate<String> knownTask) {
		this.revoked = revoked;
		this.lifecycle = lifecycle;
		this.knownTask = knownTask;
	}

	@Override
	public void start() {
		this.thread.start();
	}

	@Override
	public boolean isAutoStartup() {
		return this.autoStartup;
	}

	/**
	 * Set whether the forwarder starts with the application context. Defaults to
	 * {@code true}.
	 * @param autoStartup whether to start on refresh
	 */
	public void setAutoStartup(boolean autoStartup) {
		this.autoStartup = autoStartup;
	}

	@Override
	public void stop() {
		if (!this.thread.stop(STOP_TIMEOUT)) {
			logger.warn("Delay forwarder of group '" + this.groupId + "' did not stop within " + STOP_TIMEOUT);
		}
	}

	@Override
	public boolean isRunning() {
		return this.thread.isRunning();
	}

	/**
	 * Return whether the forwarder is failing: while it is, delayed tasks (countdown, eta,
	 * retries, rate-limited) may not reach their queues.
	 * @return the status of its thread
	 */
	public SupervisedThread.Status getStatus() {
		return this.thread.status();
	}

	/**
	 * Return the forwarder's consumer group.
	 * @return the group id
	 */
	public String getGroupId() {
		return this.groupId;
	}

	@Override
	public int getPhase() {
		return TaskWorker.DEFAULT_PHASE;
	}

	private void poll() throws InterruptedException {
		Consumer<String, byte[]> delays = this.consumer;
		if (delays == null) {
			delays = this.consumerFactory.createConsumer(this.groupId, "kafka-task-delays-" + this.groupId,
					this.clientIdSuffix);
			this.consumer = delays;
			this.resumeAt.clear();
			delays.subscribe(this.tiers.topics());
		}
		long now = this.clock.millis();
		List<TopicPartition> due = new ArrayList<>();
		this.resumeAt.forEach((partition, at) -> {
			if (at <= now) {
				due.add(partition);
			}
		});
		if (!due.isEmpty()) {
			due.forEach(this.resumeAt::remove);
			due.retainAll(delays.assignment());
			delays.resume(due);
		}
		long wait = this.resumeAt.values().stream().mapToLong((at) -> at - now).min().orElse(MAX_POLL.toMillis());
		ConsumerRecords<String, byte[]> records = delays
			.poll(Duration.ofMillis(Math.max(1, Math.min(wait, MAX_POLL.toMillis()))));
		forward(delays, records);
	}

	private void forward(Consumer<String, byte[]> delays, ConsumerRecords<String, byte[]> records)
			throws InterruptedException {
		Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
		List<CompletableFuture<?>> sent = new ArrayList<>();
		List<DeadLetter> deadLettered = new ArrayList<>();
		List<RevokedRecord> dropped = new ArrayList<>();
		for (TopicPartition partition : records.partitions()) {
			Duration tier = this.tiers.tier(partition.topic());
			for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
				DelayedRecord delayed = DelayedRecord.read(record, this.targets);
				if (delayed instanceof DelayedRecord.Movable movable) {
					long release = (tier != null) ? Math.min(movable.due(), endOfTier(record, tier)) : movable.due();
					if (release > this.clock.millis()) {
						delays.pause(List.of(partition));
						delays.seek(partition, record.offset());
						this.resumeAt.put(partition, release);
						break;
					}
					RevokedRecord revokedRecord = revoked(record, movable);
					if (revokedRecord != null) {
						dropped.add(revokedRecord);
					}
					else {
						DelayedTaskPublisher publisher = publisherOf(record, movable);
						sent.add(send(() -> publisher.publish(movable.target(), record.key(), record.value(),
								record.headers(), Instant.ofEpochMilli(movable.due()))));
					}
				}
				else if (delayed instanceof DelayedRecord.Refused refused) {
					DeadLetter deadLetter = new DeadLetter(refused, send(() -> this.deadLetters.publish(
							refused.deadLetterTopic(), record, refused.reason(),
							new IllegalArgumentException(refused.message()))));
					deadLettered.add(deadLetter);
					sent.add(deadLetter.sent());
					logger.warn("Delayed record " + partition + "@" + record.offset() + " dead-lettered to "
							+ refused.deadLetterTopic() + " (" + refused.reason() + "): " + refused.message());
				}
				commits.put(partition, new OffsetAndMetadata(record.offset() + 1));
			}
		}
		if (commits.isEmpty()) {
			return;
		}
		try {
			CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
		}
		catch (CompletionException ex) {
			for (DeadLetter deadLetter : deadLettered) {
				if (deadLetter.sent().isCompletedExceptionally()) {
					this.observer.deadLetterFailed(deadLetter.refused().queue(), Backend.KAFKA, this.cluster,
							deadLetter.sent().exceptionNow());
				}
			}
			// Nothing is committed: a new consumer reads those records again.
			throw new IllegalStateException("Could not move delayed records on", ex.getCause());
		}
		for (DeadLetter deadLetter : deadLettered) {
			DelayedRecord.Refused refused = deadLetter.refused();
			this.observer.deadLettered(refused.task(), refused.queue(), Backend.KAFKA, this.cluster, refused.reason());
		}
		delays.commitSync(commits);
		for (RevokedRecord revokedRecord : dropped) {
			String task = this.knownTask.test(revokedRecord.task()) ? revokedRecord.task() : DeliveryHandler.UNKNOWN_TASK;
			this.observer.handled(task, revokedRecord.queue(), Backend.KAFKA, TaskOutcome.REVOKED, Duration.ZERO);
			this.lifecycle.publish(TaskEventType.REVOKED, revokedRecord.taskId(), revokedRecord.task(),
					revokedRecord.queue(), Backend.KAFKA, this.cluster, 0, null, null, null);
		}
	}

	/**
	 * Return the publisher of the cluster a due record goes to: this forwarder's, unless its
	 * queue was routed to another cluster while it waited.
	 */
	private DelayedTaskPublisher publisherOf(ConsumerRecord<String, byte[]> record, DelayedRecord.Movable movable) {
		DelayRoutes routes = this.routes;
		if (routes == null) {
			return this.publisher;
		}
		String cluster = routes.clusterOf(record, movable.queue());
		if (cluster.equals(routes.cluster())) {
			return this.publisher;
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Delayed record " + record.topic() + "-" + record.partition() + "@" + record.offset()
					+ " of queue '" + movable.queue() + "' goes to Kafka cluster '" + cluster + "', where it is routed");
		}
		return routes.publisher(cluster);
	}

	/**
	 * Return the delayed record of a revoked task, to drop, or {@code null} to move it on.
	 */
	private @Nullable RevokedRecord revoked(ConsumerRecord<String, byte[]> record, DelayedRecord.Movable movable)
			throws InterruptedException {
		RevokedTasks revokedTasks = this.revoked;
		Header id = record.headers().lastHeader(TaskHeaders.TASK_ID);
		if (revokedTasks == null || id == null || id.value() == null) {
			return null;
		}
		String taskId = new String(id.value(), StandardCharsets.UTF_8);
		Revocation revocation = revokedTasks.revoked(taskId);
		if (revocation == null) {
			return null;
		}
		Header name = record.headers().lastHeader(TaskHeaders.TASK_NAME);
		String task = (name != null && name.value() != null) ? new String(name.value(), StandardCharsets.UTF_8)
				: DeliveryHandler.UNKNOWN_TASK;
		logger.info("Delayed task [" + taskId + "] of " + record.topic() + "-" + record.partition() + "@"
				+ record.offset() + " is dropped: revoked by " + revocation.by() + " at " + revocation.at());
		return new RevokedRecord(taskId, task, movable.queue());
	}

	/**
	 * Send, turning a send that throws at once into a failed one: the batch's other records
	 * are still sent, and none of it is committed.
	 */
	private static CompletableFuture<?> send(Supplier<CompletableFuture<?>> send) {
		try {
			return send.get();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Return when a record has waited its whole tier, without overflowing on a timestamp of
	 * the far future.
	 */
	private static long endOfTier(ConsumerRecord<String, byte[]> record, Duration tier) {
		long timestamp = record.timestamp();
		return (timestamp > Long.MAX_VALUE - tier.toMillis()) ? Long.MAX_VALUE : timestamp + tier.toMillis();
	}

	private void closeConsumer() {
		Consumer<String, byte[]> current = this.consumer;
		this.consumer = null;
		this.resumeAt.clear();
		if (current != null) {
			try {
				current.close(CloseOptions.timeout(CLOSE_TIMEOUT));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not close the delay forwarder's consumer cleanly", ex);
			}
		}
	}

	/**
	 * The delayed record of a revoked task, dropped.
	 */
	private record RevokedRecord(String taskId, String task, String queue) {
	}

	/**
	 * A dead letter being written, and why.
	 */
	private record DeadLetter(DelayedRecord.Refused refused, CompletableFuture<?> sent) {
	}

	/**
	 * The forwarder's work on its supervised thread: poll and forward; after a failure, a new
	 * consumer.
	 */
	private final class Loop implements SupervisedThread.Loop {

		@Override
		public void iterate() throws InterruptedException {
			poll();
		}

		@Override
		public void recover(Throwable failure) {
			closeConsumer();
		}

		@Override
		public void wakeUp() {
			Consumer<String, byte[]> current = DelayForwarder.this.consumer;
			if (current != null) {
				current.wakeup();
			}
		}

		@Override
		public void close() {
			closeConsumer();
		}

	}

}
