package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.consumer.ConsumerState;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.routing.Route;

/**
 * The consumer thread of a {@link TaskWorker}. It polls, registers each record
 * with the {@link OffsetTracker}, and hands it to the {@link RecordScheduler}, which starts
 * what the limits and ordering allow on virtual threads (or the platform pool for CPU-heavy
 * tasks). Partitions whose records cannot start are paused and the thread polls on, so the
 * consumer never leaves its group because tasks are slow. Finished offsets are committed
 * periodically, on revocation (after waiting for the revoked partitions' tasks) and on
 * shutdown, only up to the lowest record that has not finished, with the finished records
 * above it in the commit metadata.
 *
 * @author kafka-task
 */
final class PollLoop implements ConsumerLoop {

	private static final Log logger = LogFactory.getLog(PollLoop.class);

	private final WorkerSettings settings;

	private final Consumer<String, byte[]> consumer;

	private final TopicStates topicStates;

	private Set<String> subscription = Set.of();

	private final TaskLauncher launcher;

	private final OffsetTracker offsets = new OffsetTracker();

	private final RecordScheduler scheduler;

	private final CountDownLatch stopped = new CountDownLatch(1);

	private volatile boolean running = true;

	private final AssignedPartitions partitions = new AssignedPartitions();

	private final TopicDrains drains;

	private final OffsetCommitter committer;

	private volatile @Nullable Throwable failure;

	private long nextCommit;

	private long lastCommitCheck = System.nanoTime();

	private final AtomicInteger finishedSinceCommit = new AtomicInteger();

	private volatile long lastProgress = System.nanoTime();

	private final TaskObserver observer;

	private volatile String cluster = Route.DEFAULT_CLUSTER;

	PollLoop(WorkerSettings settings, Consumer<String, byte[]> consumer, TopicStates topicStates,
			TaskRecordHandler handler, ExecutorService virtualThreads, PlatformThreadPool platformThreads,
			Predicate<String> runsOnPlatformThreads, TaskObserver observer) {
		this.settings = settings;
		this.observer = observer;
		this.consumer = consumer;
		this.topicStates = topicStates;
		this.launcher = new TaskLauncher(handler, virtualThreads, platformThreads, runsOnPlatformThreads);
		this.offsets.setCommitMetadata(settings.commitMetadata());
		this.scheduler = new RecordScheduler(settings.maxInFlight(), settings.maxInFlightPerPartition(),
				settings.maxWaitingPerPartition(), settings::orderingOf, this::launch, this::wakeUp);
		this.scheduler.setHighPriority((topic) -> topic.endsWith(TaskTopics.HIGH_PRIORITY_SUFFIX));
		this.drains = new TopicDrains(settings.groupId(), consumer, topicStates, this.scheduler);
		this.committer = new OffsetCommitter(consumer, this.offsets, this.partitions,
				() -> this.lastProgress = System.nanoTime());
	}

	/**
	 * Set the Kafka cluster its consumer reads, before it runs: its rebalances are counted
	 * under it.
	 * @param cluster the cluster's name
	 */
	void setCluster(String cluster) {
		this.cluster = cluster;
	}

	@Override
	public void run() {
		try {
			WorkerRebalanceListener rebalanceListener = new WorkerRebalanceListener(this.settings, this.consumer,
					this.scheduler, this.offsets, this.partitions, this.observer, this.committer::commitSync,
					this.topicStates, this.cluster);
			this.topicStates.takeChanged();
			resubscribe(rebalanceListener);
			while (this.running) {
				if (this.topicStates.takeChanged()) {
					resubscribe(rebalanceListener);
				}
				if (this.subscription.isEmpty()) {
					// Nothing to consume: wait for a topic to be started (or for stop).
					this.topicStates.awaitChange(this.settings.pollTimeout().toMillis(), TimeUnit.MILLISECONDS);
					continue;
				}
				ConsumerRecords<String, byte[]> records = poll(untilNextCommit());
				if (!records.isEmpty() && this.scheduler.isIdle()) {
					// Work after a quiet spell: the stall clock starts now, not at the last task.
					this.lastProgress = System.nanoTime();
				}
				for (ConsumerRecord<String, byte[]> record : records) {
					OffsetTracker.Ticket ticket = this.offsets
						.received(new TopicPartition(record.topic(), record.partition()), record.offset());
					if (ticket != null) {
						this.scheduler.add(record, ticket);
					}
				}
				this.scheduler.dispatch();
				applyFlowControl();
				commitIfDue();
				this.drains.check();
			}
			drain();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (UnreleasedInstanceIdException ex) {
			// expected for a while after a static member was killed: the supervisor explains
			this.failure = ex;
			logger.warn("Task consumer of group '" + this.settings.groupId() + "' cannot join: " + ex.getMessage());
		}
		catch (RuntimeException | Error ex) {
			this.failure = ex;
			logger.error("Task consumer of group '" + this.settings.groupId() + "' stopped unexpectedly", ex);
		}
		finally {
			// Whatever happened, closing the consumer must not commit work that is cut short
			// below: the revocation that closing triggers finds nothing left to commit.
			this.offsets.forgetAll();
			this.launcher.shutdownNow();
			closeConsumer();
			this.partitions.clear();
			this.running = false;
			this.stopped.countDown();
		}
	}

	/**
	 * Subscribe to the topics that are not stopped. Leaving a topic revokes its partitions,
	 * which waits for their running tasks and commits them.
	 */
	private void resubscribe(WorkerRebalanceListener rebalanceListener) {
		Set<String> wanted = this.topicStates.subscribed();
		if (wanted.equals(this.subscription)) {
			return;
		}
		if (wanted.isEmpty()) {
			this.consumer.unsubscribe();
		}
		else {
			this.consumer.subscribe(wanted, rebalanceListener);
		}
		logger.info("Task consumer of group '" + this.settings.groupId() + "' subscribed to " + wanted);
		this.subscription = wanted;
	}

	private ConsumerRecords<String, byte[]> poll(Duration timeout) {
		try {
			return this.consumer.poll(timeout);
		}
		catch (WakeupException ex) {
			return ConsumerRecords.empty();
		}
	}

	private void launch(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket, Runnable release) {
		// Refused while stopping, a record is released unfinished: it stays uncommitted.
		this.launcher.launch(record, ticket, release, this::finished);
	}

	/**
	 * A record finished, on its task's thread: once {@code commitCount} records finished
	 * since the last commit, the loop is woken to commit them without waiting for the
	 * interval, which bounds what a crash runs again.
	 */
	private void finished() {
		this.lastProgress = System.nanoTime();
		if (this.finishedSinceCommit.incrementAndGet() == this.settings.commitCount()) {
			wakeUp();
		}
	}

	private void applyFlowControl() {
		Set<TopicPartition> assigned = this.consumer.assignment();
		Set<TopicPartition> blocked = new HashSet<>(this.scheduler.blocked());
		blocked.retainAll(assigned);
		Set<String> pausedTopics = this.topicStates.topicsIn(Set.of(ConsumerState.PAUSED));
		Set<TopicPartition> toHold = new HashSet<>(blocked);
		if (!pausedTopics.isEmpty()) {
			assigned.stream().filter((partition) -> pausedTopics.contains(partition.topic())).forEach(toHold::add);
		}
		Set<TopicPartition> toPause = new HashSet<>(toHold);
		toPause.removeAll(this.consumer.paused());
		Set<TopicPartition> toResume = new HashSet<>(this.consumer.paused());
		toResume.removeAll(toHold);
		if (!toPause.isEmpty()) {
			this.consumer.pause(toPause);
		}
		if (!toResume.isEmpty()) {
			this.consumer.resume(toResume);
		}
		if (!toPause.isEmpty() || !toResume.isEmpty()) {
			this.partitions.paused(this.consumer.paused());
		}
		if (this.scheduler.paused(blocked)) {
			wakeUp();
		}
	}

	/**
	 * Return how long the next poll may wait: the poll timeout, but no longer than until the
	 * next commit is due, so that paused partitions (whose polls return nothing) do not stretch
	 * the commit interval to the poll timeout.
	 */
	private Duration untilNextCommit() {
		long untilCommit = commitDueAt() - System.nanoTime();
		long timeout = Math.min(this.settings.pollTimeout().toNanos(), Math.max(untilCommit, 1_000_000));
		return Duration.ofNanos(timeout);
	}

	/**
	 * Return when the next commit is due: every commit interval, at once when commit-count
	 * records finished since the last one, and sooner once every
	 * polled record is done, so that the last tasks of a burst are not left uncommitted for
	 * an interval (yet a trickle of tasks, each finishing before the next arrives, commits at
	 * most ten times an interval).
	 */
	private long commitDueAt() {
		if (this.finishedSinceCommit.get() >= this.settings.commitCount()) {
			// due already: a time not after any later reading of the clock
			return this.lastCommitCheck;
		}
		if (this.scheduler.isIdle()) {
			long idleCommit = this.lastCommitCheck + this.settings.commitInterval().toNanos() / 10;
			return (idleCommit - this.nextCommit < 0) ? idleCommit : this.nextCommit;
		}
		return this.nextCommit;
	}

	private void commitIfDue() {
		long now = System.nanoTime();
		if (now - commitDueAt() < 0) {
			return;
		}
		this.nextCommit = now + this.settings.commitInterval().toNanos();
		this.lastCommitCheck = now;
		this.finishedSinceCommit.set(0);
		this.committer.commitAsync();
	}

	private void drain() {
		Set<TopicPartition> assigned = this.consumer.assignment();
		this.scheduler.drop(assigned);
		this.consumer.pause(assigned);
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		while (this.scheduler.inFlight() > 0 && deadline - System.nanoTime() > 0) {
			this.scheduler.paused(assigned);
			poll(Duration.ofMillis(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000))));
			commitIfDue();
		}
		this.committer.commitSync(this.offsets.committable());
		if (this.scheduler.inFlight() > 0) {
			logger.warn(this.scheduler.inFlight() + " task(s) of group '" + this.settings.groupId()
					+ "' still running after the shutdown timeout of " + this.settings.shutdownTimeout()
					+ "; their records were not committed and will run again");
		}
	}

	private void closeConsumer() {
		try {
			this.consumer.close();
		}
		catch (RuntimeException ex) {
			logger.warn("Closing the task consumer failed: " + ex);
		}
	}

	void requestStop() {
		this.running = false;
		wakeUp();
		this.topicStates.signal();
	}

	void wakeUp() {
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
		return this.scheduler.inFlight();
	}

	/**
	 * Return how long ago a task last finished or an offset commit last succeeded.
	 * @return the time since progress
	 */
	Duration sinceProgress() {
		return Duration.ofNanos(System.nanoTime() - this.lastProgress);
	}

	/**
	 * Return the lowest unfinished record of each partition; safe to call from any thread.
	 * @return the records, by partition
	 */
	Map<TopicPartition, OffsetTracker.OldestUnfinished> oldestUnfinished() {
		return this.offsets.oldestUnfinished();
	}

	int inFlight(String topic) {
		return this.scheduler.inFlight(topic);
	}

	int waiting() {
		return this.scheduler.waiting();
	}

	Set<TopicPartition> assignment() {
		return this.partitions.assignment();
	}

	/**
	 * Return the state of each assigned partition; safe to call from any thread.
	 * @return the states, by topic and partition
	 */
	List<PartitionState> partitions() {
		return this.partitions.states(this.scheduler.loads());
	}

}
