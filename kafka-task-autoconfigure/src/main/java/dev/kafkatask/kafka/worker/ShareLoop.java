package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicIdPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.monitor.TaskObserver;

/**
 * A share group consumer of a {@link TaskWorker}, on its own thread. It polls, runs each
 * record's task on a virtual thread (or the platform pool for CPU-heavy tasks) and
 * acknowledges each record on its own once it is settled: {@code ACCEPT}, or {@code REJECT}
 * when it was dead-lettered. A record whose task did not reach an outcome (interrupted by a
 * shutdown) is released to the group, to run again.
 * <p>
 * A share consumer in explicit acknowledgement mode fetches again only once every record of
 * its last fetch is acknowledged. The loop therefore waits for the tasks of a fetch; when some
 * of them run for half the acquisition lock (30 s by default), it renews their locks
 * ({@code RENEW}) so that the group does not give them to another worker, and keeps renewing
 * until they end (a task with a hard time limit ends at it). A paused or stopped topic is
 * left once none of its records run here; records of it fetched meanwhile are released.
 *
 * @author kafka-task
 */
final class ShareLoop implements ConsumerLoop {

	private static final Log logger = LogFactory.getLog(ShareLoop.class);

	/**
	 * The acquisition lock of share groups when the consumer has not heard it yet (Kafka's
	 * default {@code group.share.record.lock.duration.ms}).
	 */
	private static final Duration DEFAULT_LOCK = Duration.ofSeconds(30);

	private static final long DRAIN_CHECK_INTERVAL_NANOS = Duration.ofMillis(500).toNanos();

	private static final Settled WAKE_UP = new Settled(new RecordId("", 0, 0), AcknowledgeType.RELEASE);

	private final ShareSettings settings;

	private final ShareConsumer<String, byte[]> consumer;

	private final ShareGroupAdmin group;

	private final TopicStates topicStates;

	private final boolean checksDrains;

	private final TaskLauncher launcher;

	private final TaskObserver observer;

	/**
	 * Records whose tasks run, by id: read and written by the consumer thread only.
	 */
	private final Map<RecordId, Delivery> inFlight = new HashMap<>();

	/**
	 * Records of the last fetch that were neither acknowledged nor renewed: the next poll
	 * waits for them.
	 */
	private final Set<RecordId> unacknowledged = new HashSet<>();

	private final BlockingQueue<Settled> settled = new LinkedBlockingQueue<>();

	private final Map<String, Integer> inFlightByTopic = new ConcurrentHashMap<>();

	private final CountDownLatch stopped = new CountDownLatch(1);

	private Set<String> subscription = Set.of();

	private long nextDrainCheck;

	private volatile int inFlightCount;

	private volatile boolean running = true;

	private volatile @Nullable Throwable failure;

	private volatile long lastProgress = System.nanoTime();

	/**
	 * Create a share loop.
	 * @param settings the share settings
	 * @param consumer its share consumer, in explicit acknowledgement mode
	 * @param group asks the brokers about the share group
	 * @param topicStates the states of the worker's share group topics
	 * @param checksDrains whether this loop stops draining topics once the group consumed
	 * them (one loop of a worker does)
	 * @param handler takes each record to its outcome
	 * @param virtualThreads runs tasks, one virtual thread each
	 * @param platformThreads runs CPU-heavy tasks
	 * @param runsOnPlatformThreads tells which tasks, by name, are CPU-heavy
	 * @param observer told of what happens
	 */
	ShareLoop(ShareSettings settings, ShareConsumer<String, byte[]> consumer, ShareGroupAdmin group,
			TopicStates topicStates, boolean checksDrains, TaskRecordHandler handler, ExecutorService virtualThreads,
			PlatformThreadPool platformThreads, Predicate<String> runsOnPlatformThreads, TaskObserver observer) {
		this.settings = settings;
		this.consumer = consumer;
		this.group = group;
		this.topicStates = topicStates;
		this.checksDrains = checksDrains;
		this.launcher = new TaskLauncher(handler, virtualThreads, platformThreads, runsOnPlatformThreads);
		this.observer = observer;
	}

	@Override
	public void run() {
		try {
			this.group.configure();
			this.consumer.setAcknowledgementCommitCallback(this::acknowledgementsCommitted);
			while (this.running) {
				resubscribe();
				if (this.subscription.isEmpty()) {
					// Nothing to consume: wait for a topic to be started (or for stop).
					this.topicStates.awaitChange(this.settings.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
					continue;
				}
				take(poll(this.settings.pollTimeout()));
				forgetLostRenewals();
				awaitAcknowledgements(Long.MAX_VALUE);
				checkDrains();
			}
			finish();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException | Error ex) {
			this.failure = ex;
			logger.error("Share consumer of group '" + this.settings.groupId() + "' stopped unexpectedly", ex);
		}
		finally {
			// Records not acknowledged go back to the group when the consumer leaves it.
			this.launcher.shutdownNow();
			closeConsumer();
			this.running = false;
			this.stopped.countDown();
		}
	}

	/**
	 * Subscribe to the topics that run or drain, keeping those of records that still run
	 * here: their acknowledgements need the subscription.
	 */
	private void resubscribe() {
		Set<String> wanted = wanted();
		this.inFlight.keySet().forEach((id) -> wanted.add(id.topic()));
		if (wanted.equals(this.subscription)) {
			return;
		}
		if (wanted.isEmpty()) {
			this.consumer.unsubscribe();
		}
		else {
			this.consumer.subscribe(wanted);
		}
		logger.info("Share consumer of group '" + this.settings.groupId() + "' subscribed to " + wanted);
		this.subscription = wanted;
	}

	private Set<String> wanted() {
		return new HashSet<>(this.topicStates.topicsIn(Set.of(ConsumerState.RUNNING, ConsumerState.DRAINING)));
	}

	private ConsumerRecords<String, byte[]> poll(Duration timeout) {
		try {
			return this.consumer.poll(timeout);
		}
		catch (WakeupException ex) {
			return ConsumerRecords.empty();
		}
	}

	/**
	 * Start the tasks of new records, and take back records whose locks were renewed.
	 */
	private void take(ConsumerRecords<String, byte[]> records) {
		if (records.isEmpty()) {
			return;
		}
		Set<String> wanted = wanted();
		long now = System.nanoTime();
		if (this.inFlight.isEmpty()) {
			// Work after a quiet spell: the stall clock starts now, not at the last task.
			this.lastProgress = now;
		}
		for (ConsumerRecord<String, byte[]> record : records) {
			RecordId id = RecordId.of(record);
			Delivery renewed = this.inFlight.get(id);
			if (renewed != null) {
				if (renewed.outcome != null) {
					acknowledge(renewed, renewed.outcome);
				}
				else {
					renewed.record = record;
					this.unacknowledged.add(id);
				}
				continue;
			}
			if (!this.running || !wanted.contains(record.topic())) {
				// fetched while its topic was paused or stopped: back to the group
				this.consumer.acknowledge(record, AcknowledgeType.RELEASE);
				continue;
			}
			Delivery delivery = new Delivery(id, record, now);
			this.inFlight.put(id, delivery);
			this.unacknowledged.add(id);
			this.inFlightByTopic.merge(id.topic(), 1, Integer::sum);
			this.inFlightCount = this.inFlight.size();
			launch(record, delivery);
		}
	}

	private void launch(ConsumerRecord<String, byte[]> record, Delivery delivery) {
		// Refused while stopping, a record is returned unsettled: it goes back to the group.
		this.launcher.launch(record, delivery, delivery::returned, this::progressed);
	}

	private void progressed() {
		this.lastProgress = System.nanoTime();
	}

	/**
	 * Acknowledge the records of the last fetch as their tasks settle, renewing the locks of
	 * those that run long, until none of them is left unacknowledged.
	 * @param deadline when to stop waiting ({@link System#nanoTime()}), for the shutdown
	 */
	private void awaitAcknowledgements(long deadline) throws InterruptedException {
		while (!this.unacknowledged.isEmpty()) {
			long now = System.nanoTime();
			if (deadline != Long.MAX_VALUE && now - deadline >= 0) {
				return;
			}
			long renewAt = renewDueAt();
			if (now - renewAt >= 0) {
				renew();
				return;
			}
			long wait = renewAt - now;
			if (deadline != Long.MAX_VALUE) {
				wait = Math.min(wait, deadline - now);
			}
			Settled next = this.settled.poll(wait, TimeUnit.NANOSECONDS);
			boolean acknowledged = false;
			while (next != null) {
				acknowledged |= apply(next);
				next = this.settled.poll();
			}
			if (acknowledged && !this.unacknowledged.isEmpty()) {
				// Sent now, not with the next poll: that waits for the slowest task of the fetch,
				// and the others' locks would run out meanwhile.
				this.consumer.commitAsync();
			}
			if (!this.running && deadline == Long.MAX_VALUE) {
				// stopping: the shutdown waits for the rest, with its timeout
				return;
			}
		}
		// Records settled after their locks were renewed are acknowledged when they come back.
		Settled next = this.settled.poll();
		while (next != null) {
			apply(next);
			next = this.settled.poll();
		}
	}

	/**
	 * Forget records whose renewal did not come back within a lock: the brokers refused it
	 * (the lock had run out), so the record is no longer this consumer's and the group may
	 * deliver it again. Its task, if it still runs, ends unacknowledged.
	 */
	private void forgetLostRenewals() {
		long now = System.nanoTime();
		long lockNanos = lockNanos();
		this.inFlight.values().removeIf((delivery) -> {
			if (this.unacknowledged.contains(delivery.id) || now - delivery.acquired < lockNanos) {
				return false;
			}
			logger.warn("Share group '" + this.settings.groupId() + "' did not renew the lock of "
					+ delivery.id.topic() + "-" + delivery.id.partition() + "@" + delivery.id.offset()
					+ " in time; the group may deliver it again");
			this.inFlightByTopic.computeIfPresent(delivery.id.topic(), (topic, count) -> (count > 1) ? count - 1 : null);
			return true;
		});
		this.inFlightCount = this.inFlight.size();
	}

	private long lockNanos() {
		return this.consumer.acquisitionLockTimeoutMs()
			.map((millis) -> Duration.ofMillis(millis).toNanos())
			.orElse(DEFAULT_LOCK.toNanos());
	}

	/**
	 * Return when the oldest lock of the last fetch should be renewed: at half the
	 * acquisition lock, so that a slow broker still gets the renewal in time.
	 */
	private long renewDueAt() {
		long lockNanos = lockNanos();
		long oldest = Long.MAX_VALUE;
		for (RecordId id : this.unacknowledged) {
			Delivery delivery = this.inFlight.get(id);
			if (delivery != null && (oldest == Long.MAX_VALUE || delivery.acquired - oldest < 0)) {
				oldest = delivery.acquired;
			}
		}
		return (oldest != Long.MAX_VALUE) ? oldest + lockNanos / 2 : System.nanoTime() + lockNanos / 2;
	}

	/**
	 * Renew the locks of every record of the last fetch still running, and wait for the
	 * brokers to take the renewals: the next poll returns the records again (and fetches
	 * nothing new until every record of the fetch was acknowledged).
	 */
	private void renew() {
		long now = System.nanoTime();
		for (RecordId id : this.unacknowledged) {
			Delivery delivery = this.inFlight.get(id);
			if (delivery != null) {
				this.consumer.acknowledge(delivery.record, AcknowledgeType.RENEW);
				// The lock starts again when the brokers take the renewal: not before now.
				delivery.acquired = now;
			}
		}
		// Sent and awaited here, not by the next poll: a poll that finds renewals still on their
		// way asks the brokers for more records too, and those sit in the consumer's buffer,
		// their locks running out, until every renewed task ended; meanwhile the group gives them
		// to another worker, and both copies would run.
		try {
			this.consumer.commitSync(Duration.ofNanos(lockNanos() / 2));
		}
		catch (WakeupException ex) {
			// woken to look at the topics' states: the renewal goes on in the background
		}
		if (logger.isDebugEnabled()) {
			logger.debug("Share consumer of group '" + this.settings.groupId() + "' renewed the locks of "
					+ this.unacknowledged.size() + " running task(s)");
		}
		this.unacknowledged.clear();
	}

	/**
	 * Acknowledge a settled record, or keep its outcome until its renewed lock is back.
	 * @return whether it was acknowledged now
	 */
	private boolean apply(Settled settled) {
		if (settled == WAKE_UP) {
			return false;
		}
		Delivery delivery = this.inFlight.get(settled.id());
		if (delivery == null) {
			return false;
		}
		if (this.unacknowledged.contains(settled.id())) {
			acknowledge(delivery, settled.type());
			return true;
		}
		// its lock is being renewed: acknowledged when the poll gives it back
		delivery.outcome = settled.type();
		return false;
	}

	private void acknowledge(Delivery delivery, AcknowledgeType type) {
		RecordId id = delivery.id;
		this.consumer.acknowledge(delivery.record, type);
		this.unacknowledged.remove(id);
		this.inFlight.remove(id);
		this.inFlightByTopic.computeIfPresent(id.topic(), (topic, count) -> (count > 1) ? count - 1 : null);
		this.inFlightCount = this.inFlight.size();
	}

	/**
	 * Told, on the consumer thread, how the brokers took acknowledgements: one they refused
	 * (its lock had expired, most often) leaves the record to the group, which may deliver it
	 * again although its task ran here.
	 */
	private void acknowledgementsCommitted(Map<TopicIdPartition, Set<Long>> offsets, @Nullable Exception failure) {
		if (failure != null) {
			logger.warn("Share group '" + this.settings.groupId() + "' refused the acknowledgements of " + offsets
					+ ": " + failure + "; the group may deliver those records again");
		}
	}

	/**
	 * Stop each draining topic the group consumed to its end, if it is time to look.
	 */
	private void checkDrains() {
		if (!this.checksDrains) {
			return;
		}
		Set<String> draining = this.topicStates.topicsIn(Set.of(ConsumerState.DRAINING));
		long now = System.nanoTime();
		if (draining.isEmpty() || now - this.nextDrainCheck < 0) {
			return;
		}
		this.nextDrainCheck = now + DRAIN_CHECK_INTERVAL_NANOS;
		try {
			for (String topic : this.group.drained(draining)) {
				logger.info("Share consumer of group '" + this.settings.groupId() + "' drained " + topic);
				this.topicStates.set(topic, ConsumerState.STOPPED);
			}
		}
		catch (KafkaException ex) {
			logger.warn("Could not tell whether share group '" + this.settings.groupId() + "' drained " + draining
					+ ": " + ex.getMessage());
		}
	}

	/**
	 * Wait, within the shutdown timeout, for the running tasks, acknowledging them as they
	 * settle; then interrupt the rest. What was not acknowledged goes back to the group when
	 * the consumer closes.
	 */
	private void finish() throws InterruptedException {
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		while (!this.inFlight.isEmpty() && deadline - System.nanoTime() > 0) {
			awaitAcknowledgements(deadline);
			if (!this.inFlight.isEmpty() && this.unacknowledged.isEmpty()) {
				// renewed records come back with the next poll, to be acknowledged
				long left = Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000));
				take(poll(Duration.ofMillis(left)));
			}
		}
		if (!this.inFlight.isEmpty()) {
			logger.warn(this.inFlight.size() + " task(s) of share group '" + this.settings.groupId()
					+ "' still running after the shutdown timeout of " + this.settings.shutdownTimeout()
					+ "; their records go back to the group and run again");
		}
		try {
			this.consumer.commitSync(Duration.ofSeconds(5));
		}
		catch (KafkaException ex) {
			logger.warn("Share consumer of group '" + this.settings.groupId()
					+ "' could not commit its last acknowledgements: " + ex.getMessage());
		}
	}

	private void closeConsumer() {
		try {
			this.consumer.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Closing the share consumer failed: " + ex);
		}
	}

	void requestStop() {
		this.running = false;
		wakeUp();
	}

	/**
	 * Wake the loop, to look at its topics' states again.
	 */
	void wakeUp() {
		this.settled.add(WAKE_UP);
		this.topicStates.signal();
		try {
			this.consumer.wakeup();
		}
		catch (RuntimeException ex) {
			// closed already: nothing to wake
		}
	}

	boolean awaitStopped(Duration timeout) throws InterruptedException {
		return this.stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	boolean isRunning() {
		return this.running;
	}

	@Override
	public @Nullable Throwable failure() {
		return this.failure;
	}

	int inFlight() {
		return this.inFlightCount;
	}

	int inFlight(String topic) {
		return this.inFlightByTopic.getOrDefault(topic, 0);
	}

	Duration sinceProgress() {
		return Duration.ofNanos(System.nanoTime() - this.lastProgress);
	}

	/**
	 * Where a record is: topic, partition and offset.
	 */
	record RecordId(String topic, int partition, long offset) {

		static RecordId of(ConsumerRecord<?, ?> record) {
			return new RecordId(record.topic(), record.partition(), record.offset());
		}

	}

	/**
	 * How a record's task ended, for the consumer thread to acknowledge.
	 */
	private record Settled(RecordId id, AcknowledgeType type) {
	}

	/**
	 * A record whose task runs: settled once, from its task's thread (or the thread that
	 * abandoned it at its hard time limit), and returned once its thread ends.
	 */
	private final class Delivery implements RecordTask.Ticket {

		private final RecordId id;

		private final AtomicBoolean done = new AtomicBoolean();

		/**
		 * The record as last fetched: a share consumer acknowledges a record it returned.
		 * Held while the task runs (a share consumer runs at most a fetch of them at once).
		 */
		private ConsumerRecord<String, byte[]> record;

		/**
		 * When the record was fetched or its lock renewal sent; consumer thread only.
		 */
		private long acquired;

		/**
		 * How it is to be acknowledged once its renewed lock is back; consumer thread only.
		 */
		private @Nullable AcknowledgeType outcome;

		Delivery(RecordId id, ConsumerRecord<String, byte[]> record, long acquired) {
			this.id = id;
			this.record = record;
			this.acquired = acquired;
		}

		@Override
		public void settled(boolean deadLettered) {
			if (this.done.compareAndSet(false, true)) {
				ShareLoop.this.settled.add(new Settled(this.id, deadLettered ? AcknowledgeType.REJECT
						: AcknowledgeType.ACCEPT));
			}
		}

		@Override
		public boolean isOwned() {
			return ShareLoop.this.stopped.getCount() > 0;
		}

		/**
		 * The task's thread ended (or never started): a record it did not settle goes back
		 * to the group, to run again.
		 */
		void returned() {
			if (this.done.compareAndSet(false, true)) {
				ShareLoop.this.settled.add(new Settled(this.id, AcknowledgeType.RELEASE));
			}
		}

	}

}
