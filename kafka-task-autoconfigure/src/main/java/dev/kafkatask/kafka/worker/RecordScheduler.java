package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;

/**
 * Decides which polled records start now and which wait, within the limits of a worker: at
 * most {@code maxInFlight} tasks in all and {@code maxInFlightPerPartition} per partition,
 * and the {@link OrderingMode} of each topic. Records that cannot start because of a limit
 * stay in their partition's backlog, and that partition is reported {@link #blocked()} so
 * the consumer pauses it; records that wait only for an earlier record with the same key are
 * parked beside it (up to {@code maxWaitingPerPartition}) so that other keys go on.
 * <p>
 * Thread-safe: records are added and dispatched by the consumer thread, and a finishing task
 * starts what its end made possible on its own thread, so no capacity waits for the next poll.
 *
 * @author kafka-task
 */
final class RecordScheduler {

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition partitionIdle = this.lock.newCondition();

	private final int maxInFlight;

	private final int maxInFlightPerPartition;

	private final int maxWaitingPerPartition;

	private final Function<String, OrderingMode> ordering;

	private final Launcher launcher;

	private final Runnable wakeUp;

	private final Map<TopicPartition, PartitionQueue> partitions = new HashMap<>();

	private final Set<PartitionQueue> withBacklog = new LinkedHashSet<>();

	private final Set<PartitionQueue> draining = new HashSet<>();

	private final Map<String, int[]> inFlightByTopic = new HashMap<>();

	private final AtomicBoolean wakeUpPending = new AtomicBoolean();

	private Set<TopicPartition> paused = Set.of();

	private Predicate<String> highPriority = (topic) -> false;

	private int inFlight;

	private int waiting;

	RecordScheduler(int maxInFlight, int maxInFlightPerPartition, int maxWaitingPerPartition,
			Function<String, OrderingMode> ordering, Launcher launcher, Runnable wakeUp) {
		this.maxInFlight = maxInFlight;
		this.maxInFlightPerPartition = maxInFlightPerPartition;
		this.maxWaitingPerPartition = maxWaitingPerPartition;
		this.ordering = ordering;
		this.launcher = launcher;
		this.wakeUp = wakeUp;
	}

	/**
	 * Set which topics hold high-priority records: when the worker is busy, their records
	 * start before those of other topics.
	 * @param highPriority tells the high-priority topics
	 */
	void setHighPriority(Predicate<String> highPriority) {
		this.highPriority = highPriority;
	}

	/**
	 * Add a polled record, in offset order per partition. It starts at the next
	 * {@link #dispatch()}.
	 * @param record the record
	 * @param ticket its offset ticket
	 */
	void add(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket) {
		TopicPartition partition = new TopicPartition(record.topic(), record.partition());
		this.lock.lock();
		try {
			PartitionQueue queue = this.partitions.computeIfAbsent(partition, (key) -> new PartitionQueue(key,
					this.ordering.apply(key.topic()), this.highPriority.test(key.topic())));
			queue.backlog.add(new Pending(record, ticket));
			this.waiting++;
			this.withBacklog.add(queue);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Start every waiting record that the limits and ordering allow.
	 */
	void dispatch() {
		List<Start> starts = new ArrayList<>();
		this.lock.lock();
		try {
			dispatchLocked(starts);
		}
		finally {
			this.lock.unlock();
		}
		launch(starts);
	}

	/**
	 * Return the partitions that hold records which cannot start for lack of capacity (or
	 * too many parked records): the consumer should pause them.
	 * @return the blocked partitions
	 */
	Set<TopicPartition> blocked() {
		this.lock.lock();
		try {
			Set<TopicPartition> blocked = new HashSet<>();
			for (PartitionQueue queue : this.withBacklog) {
				blocked.add(queue.partition);
			}
			return blocked;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Tell the scheduler which partitions the consumer paused, so that a task that unblocks
	 * one can wake the consumer to resume it.
	 * @param paused the paused partitions
	 * @return whether some of them are no longer blocked, so the consumer should look again
	 */
	boolean paused(Set<TopicPartition> paused) {
		this.lock.lock();
		try {
			this.paused = Set.copyOf(paused);
			this.wakeUpPending.set(false);
			// A task may have unblocked one of them since the consumer asked blocked().
			for (TopicPartition partition : paused) {
				PartitionQueue queue = this.partitions.get(partition);
				if (queue == null || !this.withBacklog.contains(queue)) {
					return true;
				}
			}
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Forget the records of partitions that were revoked or lost and have not started. Their
	 * running tasks go on, but what they free starts nothing of those partitions.
	 * @param revoked the partitions
	 */
	void drop(Collection<TopicPartition> revoked) {
		this.lock.lock();
		try {
			for (TopicPartition partition : revoked) {
				PartitionQueue queue = this.partitions.remove(partition);
				if (queue != null) {
					queue.dropped = true;
					this.waiting -= queue.backlog.size() + queue.parked;
					queue.backlog.clear();
					queue.waitingByKey.clear();
					queue.parked = 0;
					this.withBacklog.remove(queue);
					if (queue.inFlight > 0) {
						this.draining.add(queue);
					}
				}
			}
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Wait until no task of the given partitions runs.
	 * @param partitions the partitions
	 * @param timeout how long to wait at most
	 * @return whether they became idle in time
	 * @throws InterruptedException if interrupted while waiting
	 */
	boolean awaitIdle(Collection<TopicPartition> partitions, Duration timeout) throws InterruptedException {
		long remaining = timeout.toNanos();
		this.lock.lock();
		try {
			while (running(partitions) > 0) {
				if (remaining <= 0) {
					return false;
				}
				remaining = this.partitionIdle.awaitNanos(remaining);
			}
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return how many tasks of the given partitions run.
	 * @param partitions the partitions
	 * @return the count
	 */
	int running(Collection<TopicPartition> partitions) {
		this.lock.lock();
		try {
			int running = 0;
			for (TopicPartition partition : partitions) {
				PartitionQueue queue = this.partitions.get(partition);
				running += (queue != null) ? queue.inFlight : 0;
			}
			for (PartitionQueue queue : this.draining) {
				if (partitions.contains(queue.partition)) {
					running += queue.inFlight;
				}
			}
			return running;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return how many records of the given partitions wait or run.
	 * @param partitions the partitions
	 * @return the count
	 */
	int pending(Collection<TopicPartition> partitions) {
		this.lock.lock();
		try {
			int pending = 0;
			for (TopicPartition partition : partitions) {
				PartitionQueue queue = this.partitions.get(partition);
				if (queue != null) {
					pending += queue.inFlight + queue.backlog.size() + queue.parked;
				}
			}
			return pending;
		}
		finally {
			this.lock.unlock();
		}
	}

	int inFlight() {
		this.lock.lock();
		try {
			return this.inFlight;
		}
		finally {
			this.lock.unlock();
		}
	}

	int inFlight(String topic) {
		this.lock.lock();
		try {
			int[] count = this.inFlightByTopic.get(topic);
			return (count != null) ? count[0] : 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return, per partition that has records, how many of its tasks run and how many of its
	 * polled records wait to start.
	 * @return the loads by partition
	 */
	Map<TopicPartition, PartitionLoad> loads() {
		this.lock.lock();
		try {
			Map<TopicPartition, PartitionLoad> loads = new HashMap<>();
			this.partitions.forEach((partition, queue) -> loads.put(partition,
					new PartitionLoad(queue.inFlight, queue.backlog.size() + queue.parked)));
			return loads;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return whether no task runs and no polled record waits to start.
	 * @return whether the scheduler is idle
	 */
	boolean isIdle() {
		this.lock.lock();
		try {
			return this.inFlight == 0 && this.waiting == 0;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return how many polled records wait to start.
	 * @return the count
	 */
	int waiting() {
		this.lock.lock();
		try {
			return this.waiting;
		}
		finally {
			this.lock.unlock();
		}
	}

	private boolean dispatchLocked(List<Start> starts) {
		// High-priority partitions first, then the others.
		return dispatchLocked(starts, true) | dispatchLocked(starts, false);
	}

	private boolean dispatchLocked(List<Start> starts, boolean high) {
		boolean unblockedPaused = false;
		Iterator<PartitionQueue> queues = this.withBacklog.iterator();
		while (queues.hasNext() && this.inFlight < this.maxInFlight) {
			PartitionQueue queue = queues.next();
			if (queue.high != high) {
				continue;
			}
			drainBacklog(queue, starts);
			if (queue.backlog.isEmpty()) {
				queues.remove();
				unblockedPaused |= this.paused.contains(queue.partition);
			}
		}
		return unblockedPaused;
	}

	private void drainBacklog(PartitionQueue queue, List<Start> starts) {
		while (!queue.backlog.isEmpty() && this.inFlight < this.maxInFlight) {
			Pending next = queue.backlog.peek();
			Object key = queue.keyOf(next.record());
			if (key != null && queue.runningKeys.contains(key)) {
				if (queue.parked >= this.maxWaitingPerPartition) {
					return;
				}
				queue.backlog.poll();
				queue.waitingByKey.computeIfAbsent(key, (k) -> new ArrayDeque<>()).add(next);
				queue.parked++;
				continue;
			}
			if (queue.inFlight >= this.maxInFlightPerPartition) {
				return;
			}
			queue.backlog.poll();
			this.waiting--;
			start(queue, key, next, starts);
		}
	}

	/**
	 * Take a slot for a record; it is launched by {@link #launch} once the lock is released,
	 * so that starting threads does not hold up finishing tasks.
	 */
	private void start(PartitionQueue queue, @Nullable Object key, Pending pending, List<Start> starts) {
		queue.inFlight++;
		this.inFlight++;
		this.inFlightByTopic.computeIfAbsent(queue.partition.topic(), (topic) -> new int[1])[0]++;
		if (key != null) {
			queue.runningKeys.add(key);
		}
		starts.add(new Start(queue, key, pending));
	}

	private void launch(List<Start> starts) {
		for (Start start : starts) {
			// The release must not hold the record: a long task would keep it alive.
			PartitionQueue queue = start.queue();
			Object key = start.key();
			this.launcher.launch(start.pending().record(), start.pending().ticket(), () -> finished(queue, key));
		}
	}

	private void finished(PartitionQueue queue, @Nullable Object key) {
		boolean wake;
		boolean idle;
		List<Start> starts = new ArrayList<>(1);
		this.lock.lock();
		try {
			queue.inFlight--;
			this.inFlight--;
			this.inFlightByTopic.get(queue.partition.topic())[0]--;
			if (queue.inFlight == 0) {
				if (queue.dropped) {
					this.draining.remove(queue);
				}
				this.partitionIdle.signalAll();
			}
			if (key != null) {
				queue.runningKeys.remove(key);
				startNextOfKey(queue, key, starts);
			}
			wake = dispatchLocked(starts);
			idle = this.inFlight == 0 && this.waiting == 0;
		}
		finally {
			this.lock.unlock();
		}
		launch(starts);
		if ((wake && this.wakeUpPending.compareAndSet(false, true)) || idle) {
			// the consumer resumes what was unblocked, or commits now that all is done
			this.wakeUp.run();
		}
	}

	private void startNextOfKey(PartitionQueue queue, Object key, List<Start> starts) {
		ArrayDeque<Pending> parked = queue.waitingByKey.get(key);
		if (queue.dropped || parked == null) {
			return;
		}
		Pending next = parked.poll();
		if (parked.isEmpty()) {
			queue.waitingByKey.remove(key);
		}
		if (next != null) {
			queue.parked--;
			this.waiting--;
			// The successor takes the slot its predecessor freed, whatever the other limits.
			start(queue, key, next, starts);
		}
	}

	/**
	 * Runs a record's task asynchronously.
	 */
	@FunctionalInterface
	interface Launcher {

		/**
		 * Run the task of a record, then call {@code release} (always, even if it failed).
		 * @param record the record
		 * @param ticket its offset ticket, to finish when the record is done with
		 * @param release frees the record's slot
		 */
		void launch(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket, Runnable release);

	}

	private record Pending(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket) {
	}

	private record Start(PartitionQueue queue, @Nullable Object key, Pending pending) {
	}

	private static final class PartitionQueue {

		private final TopicPartition partition;

		private final OrderingMode mode;

		private final boolean high;

		private final ArrayDeque<Pending> backlog = new ArrayDeque<>();

		private final Map<Object, ArrayDeque<Pending>> waitingByKey = new HashMap<>();

		private final Set<Object> runningKeys = new HashSet<>();

		private int inFlight;

		private int parked;

		private boolean dropped;

		PartitionQueue(TopicPartition partition, OrderingMode mode, boolean high) {
			this.partition = partition;
			this.mode = mode;
			this.high = high;
		}

		@Nullable Object keyOf(ConsumerRecord<String, byte[]> record) {
			return switch (this.mode) {
				case UNORDERED -> null;
				case KEY -> record.key();
				case PARTITION -> this.partition;
			};
		}

	}

	/**
	 * How busy one partition is.
	 *
	 * @param inFlight its tasks running
	 * @param buffered its polled records waiting to start
	 */
	record PartitionLoad(int inFlight, int buffered) {
	}

}
