package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.dispatch.UniqueClaim;
import dev.kafkatask.dispatch.UniqueKey;
import dev.kafkatask.dispatch.UniquenessGuard;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Decides unique dispatches through a topic of claims: a dispatch writes a claim for its key
 * (keyed by it, so that every claim of a key is in one partition), and the first claim of a
 * key in the log whose window has not passed when a later one was made holds the key. Every
 * dispatching instance reads the whole topic (no consumer group) and applies the same rule in
 * the same order, so all decide alike, with no lock and no store but Kafka; a dispatch learns
 * its own fate once it has read its claim back.
 * <p>
 * Windows are judged by the claiming instances' clocks: they must agree to well within the
 * shortest window. A claim whose dispatch then fails is released by a second record, so that
 * the key is free again. The consumer starts with the first unique dispatch, reading the last
 * two {@link #maxWindow() windows} of the topic first (claims are written only once it has
 * its positions); it runs on a {@link SupervisedThread} ({@code unique}), which starts a new
 * consumer after a failure, going on from where the failed one was.
 *
 * @author kafka-task
 */
public class UniqueClaims implements UniquenessGuard, SmartLifecycle {

	/**
	 * The name of its thread in {@code kafka.task.background.failures}.
	 */
	public static final String THREAD = "unique";

	private static final Log logger = LogFactory.getLog(UniqueClaims.class);

	private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final KafkaTemplate<String, byte[]> template;

	private final ConsumerFactory<String, byte[]> consumerFactory;

	private final String topic;

	private final Duration maxWindow;

	private final Duration decisionTimeout;

	private final JsonMapper mapper;

	private final Clock clock;

	private final SupervisedThread thread;

	/**
	 * Claims of this instance waiting for their decision, by claim id.
	 */
	private final Map<String, CompletableFuture<UniqueClaim>> pending = new ConcurrentHashMap<>();

	/**
	 * The claim that holds each key; only the supervised thread uses it.
	 */
	private final UniqueKeyHolders holders = new UniqueKeyHolders();

	private final AtomicBoolean listening = new AtomicBoolean();

	/**
	 * Counted down once the first consumer has its partitions and positions: a claim written
	 * after that is read back.
	 */
	private final CountDownLatch assigned = new CountDownLatch(1);

	/**
	 * Where each partition is read up to, so that a new consumer goes on from there with the
	 * holders as they are; only the supervised thread uses it.
	 */
	private final Map<TopicPartition, Long> positions = new HashMap<>();

	private volatile boolean running;

	private volatile @Nullable Consumer<String, byte[]> consumer;

	private long lastPurge;

	/**
	 * Create the claims.
	 * @param template writes claims
	 * @param consumerFactory creates the consumer that reads them (no group)
	 * @param topic the topic of claims
	 * @param maxWindow the longest window a key may be held for: how far back the topic is read
	 * @param decisionTimeout how long a dispatch waits to read its claim back before it fails
	 * @param mapper writes and reads claims
	 * @param observer told when the consumer fails
	 * @param clock the clock of this instance
	 */
	public UniqueClaims(KafkaTemplate<String, byte[]> template, ConsumerFactory<String, byte[]> consumerFactory,
			String topic, Duration maxWindow, Duration decisionTimeout, JsonMapper mapper, TaskObserver observer,
			Clock clock) {
		this.template = template;
		this.consumerFactory = consumerFactory;
		this.topic = topic;
		this.maxWindow = maxWindow;
		this.decisionTimeout = decisionTimeout;
		this.mapper = mapper;
		this.clock = clock;
		this.thread = new SupervisedThread(THREAD, "kafka-task-unique", new Loop(), observer);
	}

	public String getTopic() {
		return this.topic;
	}

	@Override
	public Duration maxWindow() {
		return this.maxWindow;
	}

	@Override
	public CompletableFuture<UniqueClaim> claim(UniqueKey key, String taskId, String task) {
		if (!this.running) {
			return CompletableFuture.failedFuture(new IllegalStateException("Unique dispatches are not taken now: "
					+ "the application is not running"));
		}
		if (this.listening.compareAndSet(false, true)) {
			// Started by the first unique dispatch: most applications never make one.
			this.thread.start();
		}
		try {
			// a claim written before the consumer found its positions might be read past
			if (!this.assigned.await(this.decisionTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
				return CompletableFuture.failedFuture(new TimeoutException("The topic of unique claims '" + this.topic
						+ "' could not be read within " + this.decisionTimeout));
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return CompletableFuture.failedFuture(ex);
		}
		Instant now = this.clock.instant();
		String claimId = UUID.randomUUID().toString();
		ObjectNode claim = this.mapper.createObjectNode()
			.put("claim", claimId)
			.put("key", key.key())
			.put("taskId", taskId)
			.put("task", task)
			.put("claimedAt", now.toEpochMilli())
			.put("until", now.plus(key.window()).toEpochMilli());
		CompletableFuture<UniqueClaim> decision = new CompletableFuture<>();
		this.pending.put(claimId, decision);
		this.template.send(this.topic, key.key(), this.mapper.writeValueAsBytes(claim))
			.whenComplete((result, failure) -> {
				if (failure != null) {
					this.pending.remove(claimId);
					decision.completeExceptionally(failure);
				}
			});
		return decision.orTimeout(this.decisionTimeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((holder, failure) -> {
				this.pending.remove(claimId);
				if (failure instanceof TimeoutException) {
					logger.warn("Unique key '" + key.key() + "' of task '" + task + "' [" + taskId
							+ "] not decided within " + this.decisionTimeout + ": the task is not enqueued");
					// should the claim be read later and hold the key, it holds it for nothing
					release(new UniqueClaim(key.key(), taskId, task, now, now.plus(key.window())));
				}
			});
	}

	@Override
	public void release(UniqueClaim claim) {
		ObjectNode release = this.mapper.createObjectNode()
			.put("release", true)
			.put("key", claim.key())
			.put("taskId", claim.taskId());
		this.template.send(this.topic, claim.key(), this.mapper.writeValueAsBytes(release))
			.whenComplete((result, failure) -> {
				if (failure != null) {
					logger.warn("Could not release unique key '" + claim.key() + "' of task [" + claim.taskId()
							+ "]: it stays held until " + claim.until(), failure);
				}
			});
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		if (this.listening.compareAndSet(true, false)) {
			this.thread.stop(Duration.ofSeconds(10));
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	private void poll() {
		Consumer<String, byte[]> claims = this.consumer;
		if (claims == null) {
			claims = this.consumerFactory.createConsumer(null, "kafka-task-unique", null);
			this.consumer = claims;
			assign(claims);
			this.assigned.countDown();
		}
		ConsumerRecords<String, byte[]> records = claims.poll(POLL_TIMEOUT);
		records.forEach(this::decide);
		for (TopicPartition partition : records.partitions()) {
			List<ConsumerRecord<String, byte[]>> read = records.records(partition);
			this.positions.put(partition, read.get(read.size() - 1).offset() + 1);
		}
		Instant now = this.clock.instant();
		if (now.toEpochMilli() - this.lastPurge > 1000) {
			this.lastPurge = now.toEpochMilli();
			this.holders.purge(now.minus(this.maxWindow));
		}
	}

	/**
	 * Assign every partition of the topic: from where the last consumer was, or else from the
	 * claims made within twice the longest window (no older claim can hold a key now), or else
	 * from the end.
	 */
	private void assign(Consumer<String, byte[]> claims) {
		List<TopicPartition> partitions = claims.partitionsFor(this.topic)
			.stream()
			.map((info) -> new TopicPartition(this.topic, info.partition()))
			.toList();
		if (partitions.isEmpty()) {
			throw new IllegalStateException("Topic of unique claims '" + this.topic + "' has no partitions");
		}
		claims.assign(partitions);
		// the ends before the times, not a seek to the end, which is resolved later and would
		// skip a claim written meanwhile (as TopicReader)
		Map<TopicPartition, Long> ends = claims.endOffsets(partitions);
		long since = this.clock.instant().minus(this.maxWindow).minus(this.maxWindow).toEpochMilli();
		Map<TopicPartition, Long> times = new HashMap<>();
		partitions.forEach((partition) -> times.put(partition, since));
		Map<TopicPartition, OffsetAndTimestamp> offsets = claims.offsetsForTimes(times);
		for (TopicPartition partition : partitions) {
			Long position = this.positions.get(partition);
			OffsetAndTimestamp offset = offsets.get(partition);
			if (position != null) {
				claims.seek(partition, position);
			}
			else if (offset != null) {
				claims.seek(partition, offset.offset());
			}
			else {
				claims.seek(partition, ends.get(partition));
				this.positions.put(partition, ends.get(partition));
			}
		}
	}

	/**
	 * Apply the rule to one record: a claim holds its key unless a claim before it holds it
	 * still; a release frees the key if the releasing task holds it.
	 */
	private void decide(ConsumerRecord<String, byte[]> record) {
		JsonNode value;
		try {
			value = (record.value() != null) ? this.mapper.readTree(record.value()) : null;
		}
		catch (JacksonException ex) {
			value = null;
		}
		if (value == null || !value.path("key").isString() || !value.path("taskId").isString()) {
			logger.warn("Unreadable record in the topic of unique claims '" + this.topic + "' at " + record.partition()
					+ "@" + record.offset() + ": skipped");
			return;
		}
		String key = value.path("key").asString();
		if (value.path("release").asBoolean(false)) {
			this.holders.release(key, value.path("taskId").asString());
			return;
		}
		UniqueClaim holder = this.holders.claim(new UniqueClaim(key, value.path("taskId").asString(),
				value.path("task").asString(), Instant.ofEpochMilli(value.path("claimedAt").asLong()),
				Instant.ofEpochMilli(value.path("until").asLong())));
		CompletableFuture<UniqueClaim> waiting = this.pending.remove(value.path("claim").asString(""));
		if (waiting != null) {
			waiting.complete(holder);
		}
	}

	private void closeConsumer() {
		Consumer<String, byte[]> current = this.consumer;
		this.consumer = null;
		if (current != null) {
			try {
				current.close(CloseOptions.timeout(CLOSE_TIMEOUT));
			}
			catch (RuntimeException ex) {
				logger.debug("Could not close the unique claims' consumer cleanly", ex);
			}
		}
	}

	/**
	 * The claims' work on their supervised thread: read and decide; after a failure, a new
	 * consumer that reads the last windows again.
	 */
	private final class Loop implements SupervisedThread.Loop {

		@Override
		public void iterate() {
			poll();
		}

		@Override
		public void recover(Throwable failure) {
			closeConsumer();
			// A dispatch waiting for the first assignment waits no longer: it fails in time.
			UniqueClaims.this.assigned.countDown();
		}

		@Override
		public void wakeUp() {
			Consumer<String, byte[]> current = UniqueClaims.this.consumer;
			if (current != null) {
				current.wakeup();
			}
		}

		@Override
		public void close() {
			closeConsumer();
			UniqueClaims.this.assigned.countDown();
		}

	}

}
