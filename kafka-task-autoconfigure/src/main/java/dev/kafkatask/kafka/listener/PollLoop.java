package dev.kafkatask.kafka.listener;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;

/**
 * The consumer thread of a {@link TaskListenerContainer}. It polls, hands each record to the
 * task executor while the in-flight limit allows, and otherwise parks records in a small
 * backlog and pauses every assigned partition, polling on so that the consumer never leaves
 * its group. Finished offsets are committed periodically, on revocation and on shutdown, only
 * up to the lowest record that has not finished.
 *
 * @author kafka-task
 */
final class PollLoop implements Runnable {

	private static final Log logger = LogFactory.getLog(PollLoop.class);

	private static final int MAX_WAKEUP_RETRIES = 100;

	private final ContainerSettings settings;

	private final Consumer<String, byte[]> consumer;

	private final Collection<String> topics;

	private final TaskRecordHandler handler;

	private final ExecutorService executor;

	private final OffsetTracker offsets = new OffsetTracker();

	private final InFlightTasks inFlight;

	private final Deque<ConsumerRecord<String, byte[]>> backlog = new ArrayDeque<>();

	private final CountDownLatch stopped = new CountDownLatch(1);

	private volatile boolean running = true;

	private volatile boolean waitingForCapacity;

	private volatile Set<TopicPartition> assignment = Set.of();

	private volatile @Nullable Throwable failure;

	private boolean paused;

	private long nextCommit;

	PollLoop(ContainerSettings settings, Consumer<String, byte[]> consumer, Collection<String> topics,
			TaskRecordHandler handler, ExecutorService executor) {
		this.settings = settings;
		this.consumer = consumer;
		this.topics = List.copyOf(topics);
		this.handler = handler;
		this.executor = executor;
		this.inFlight = new InFlightTasks(settings.maxInFlight());
	}

	@Override
	public void run() {
		try {
			this.consumer.subscribe(this.topics, new RebalanceListener());
			while (this.running) {
				ConsumerRecords<String, byte[]> records = poll(this.settings.pollTimeout());
				for (ConsumerRecord<String, byte[]> record : records) {
					this.backlog.add(record);
				}
				startWhileCapacity();
				applyFlowControl();
				commitIfDue(false);
			}
			drain();
		}
		catch (RuntimeException | Error ex) {
			this.failure = ex;
			logger.error("Task consumer of group '" + this.settings.groupId() + "' stopped unexpectedly", ex);
		}
		finally {
			// Whatever happened, closing the consumer must not commit work that is cut short
			// below: the revocation that closing triggers finds nothing left to commit.
			this.offsets.forgetAll();
			this.executor.shutdownNow();
			closeConsumer();
			this.assignment = Set.of();
			this.running = false;
			this.stopped.countDown();
		}
	}

	private ConsumerRecords<String, byte[]> poll(Duration timeout) {
		try {
			return this.consumer.poll(timeout);
		}
		catch (WakeupException ex) {
			return ConsumerRecords.empty();
		}
	}

	private void startWhileCapacity() {
		while (!this.backlog.isEmpty() && this.inFlight.hasCapacity()) {
			start(this.backlog.poll());
		}
	}

	private void start(ConsumerRecord<String, byte[]> record) {
		OffsetTracker.Ticket ticket = this.offsets.received(new TopicPartition(record.topic(), record.partition()),
				record.offset());
		this.inFlight.started(record.topic());
		this.executor.execute(() -> runTask(record, ticket));
	}

	private void runTask(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket) {
		boolean finished = false;
		try {
			this.handler.handle(record);
			finished = true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException | Error ex) {
			// Not the task failing (that is handled and counted) but kafka-task itself: keep the
			// record unfinished so that it is not committed and runs again.
			logger.error("Unexpected failure handling record " + record.topic() + "-" + record.partition() + "@"
					+ record.offset() + "; it stays uncommitted", ex);
		}
		finally {
			if (finished) {
				ticket.finished();
			}
			boolean capacity = this.inFlight.ended(record.topic());
			if (capacity && this.waitingForCapacity) {
				this.waitingForCapacity = false;
				wakeUp();
			}
		}
	}

	private void applyFlowControl() {
		boolean full = !this.backlog.isEmpty() || !this.inFlight.hasCapacity();
		if (full && !this.paused) {
			this.consumer.pause(this.consumer.assignment());
			this.paused = true;
		}
		else if (!full && this.paused) {
			this.consumer.resume(this.consumer.paused());
			this.paused = false;
		}
		if (full) {
			this.waitingForCapacity = true;
			if (this.inFlight.hasCapacity()) {
				wakeUp();
			}
		}
	}

	private void commitIfDue(boolean force) {
		long now = System.nanoTime();
		if (!force && now - this.nextCommit < 0) {
			return;
		}
		this.nextCommit = now + this.settings.commitInterval().toNanos();
		Map<TopicPartition, OffsetAndMetadata> committable = this.offsets.committable();
		if (committable.isEmpty()) {
			return;
		}
		this.consumer.commitAsync(committable, (committed, failure) -> {
			if (failure == null) {
				this.offsets.committed(committed);
			}
			else {
				logger.warn("Offset commit failed; it is retried at the next interval: " + failure);
			}
		});
	}

	private void commitSync(Map<TopicPartition, OffsetAndMetadata> committable) {
		if (committable.isEmpty()) {
			return;
		}
		for (int attempt = 1;; attempt++) {
			try {
				this.consumer.commitSync(committable);
				this.offsets.committed(committable);
				return;
			}
			catch (WakeupException ex) {
				// a task's (or stop's) wake-up call aimed at poll: the commit is still wanted
				if (attempt == MAX_WAKEUP_RETRIES) {
					logger.warn("Offset commit of " + committable.keySet() + " gave up after " + attempt
							+ " wake-ups; those records may run again");
					return;
				}
			}
			catch (KafkaException ex) {
				logger.warn("Offset commit of " + committable.keySet() + " failed; those records may run again: " + ex);
				return;
			}
		}
	}

	private void drain() {
		this.backlog.clear();
		this.consumer.pause(this.consumer.assignment());
		this.paused = true;
		long deadline = System.nanoTime() + this.settings.shutdownTimeout().toNanos();
		while (this.inFlight.total() > 0 && deadline - System.nanoTime() > 0) {
			this.waitingForCapacity = true;
			poll(Duration.ofMillis(Math.max(1, Math.min(100, (deadline - System.nanoTime()) / 1_000_000))));
			commitIfDue(false);
		}
		commitSync(this.offsets.committable());
		// Tasks abandoned past the timeout may still finish while the consumer closes; the
		// revocation that closing triggers must not commit past their records.
		this.offsets.forget(this.consumer.assignment());
		if (this.inFlight.total() > 0) {
			logger.warn(this.inFlight.total() + " task(s) of group '" + this.settings.groupId()
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
	}

	private void wakeUp() {
		try {
			this.consumer.wakeup();
		}
		catch (RuntimeException ex) {
			// closed already: nothing to wake
		}
	}

	boolean awaitStopped(Duration timeout) throws InterruptedException {
		return this.stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
	}

	boolean isRunning() {
		return this.running;
	}

	@Nullable Throwable failure() {
		return this.failure;
	}

	int inFlight() {
		return this.inFlight.total();
	}

	int inFlight(String topic) {
		return this.inFlight.ofTopic(topic);
	}

	Set<TopicPartition> assignment() {
		return this.assignment;
	}

	private void dropBacklog(Collection<TopicPartition> partitions) {
		this.backlog.removeIf((record) -> partitions.contains(new TopicPartition(record.topic(), record.partition())));
	}

	private final class RebalanceListener implements ConsumerRebalanceListener {

		@Override
		public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
			dropBacklog(partitions);
			commitSync(PollLoop.this.offsets.committable(partitions));
			PollLoop.this.offsets.forget(partitions);
			PollLoop.this.assignment = Set.copyOf(PollLoop.this.consumer.assignment());
		}

		@Override
		public void onPartitionsLost(Collection<TopicPartition> partitions) {
			dropBacklog(partitions);
			PollLoop.this.offsets.forget(partitions);
			PollLoop.this.assignment = Set.copyOf(PollLoop.this.consumer.assignment());
		}

		@Override
		public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
			if (PollLoop.this.paused) {
				PollLoop.this.consumer.pause(partitions);
			}
			PollLoop.this.assignment = Set.copyOf(PollLoop.this.consumer.assignment());
		}

	}

}
