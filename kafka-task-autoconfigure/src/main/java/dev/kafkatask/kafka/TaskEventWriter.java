package dev.kafkatask.kafka;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.kafka.core.KafkaTemplate;

import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.supervision.SupervisedThread;

/**
 * Writes the task events of one Kafka cluster to that cluster's events topic, on a
 * {@link SupervisedThread} of its own that starts with the first event. Each cluster has
 * its writer, so that a cluster that is down (where each send waits for the topic's
 * metadata up to the producer's {@code max.block.ms}) holds up only its own events. Queuing
 * an event never blocks: one that finds the queue full is dropped and counted, as is one
 * whose write fails.
 *
 * @author kafka-task
 */
final class TaskEventWriter {

	private static final Log logger = LogFactory.getLog(TaskEventWriter.class);

	private final String cluster;

	private final KafkaTemplate<String, byte[]> template;

	private final String topic;

	private final TaskEventJson json;

	private final Clock clock;

	private final BlockingQueue<TaskEvent> queue = new ArrayBlockingQueue<>(TaskEventLog.QUEUE_CAPACITY);

	private final AtomicBoolean writing = new AtomicBoolean();

	private final AtomicLong failedWrites = new AtomicLong();

	private final SupervisedThread thread;

	private volatile long lastWarning;

	/**
	 * Create the writer of one cluster.
	 * @param cluster the cluster's name
	 * @param threadName the name of its platform thread
	 * @param template writes to the cluster
	 * @param topic the events topic
	 * @param json writes events as JSON
	 * @param observer told when the thread fails
	 * @param clock times the warnings
	 */
	TaskEventWriter(String cluster, String threadName, KafkaTemplate<String, byte[]> template, String topic,
			TaskEventJson json, TaskObserver observer, Clock clock) {
		this.cluster = cluster;
		this.template = template;
		this.topic = topic;
		this.json = json;
		this.clock = clock;
		this.thread = new SupervisedThread(TaskEventLog.WRITER_THREAD, threadName, new Writer(), observer);
	}

	/**
	 * Queue an event, starting the writer with the first: never blocks.
	 * @param event the event
	 */
	void publish(TaskEvent event) {
		if (!this.queue.offer(event)) {
			failed(new IllegalStateException(
					"the queue of " + TaskEventLog.QUEUE_CAPACITY + " events waiting to be written is full"));
			return;
		}
		if (this.writing.compareAndSet(false, true)) {
			this.thread.start();
		}
	}

	/**
	 * Return how many events could not be written.
	 * @return the count
	 */
	long failedWrites() {
		return this.failedWrites.get();
	}

	/**
	 * Stop writing, once what is waiting was sent (or the timeout passed), if started.
	 * @param timeout how long to wait
	 */
	void stop(Duration timeout) {
		if (this.writing.compareAndSet(true, false)) {
			// its close() writes what is still waiting
			this.thread.stop(timeout);
		}
	}

	private void write(Duration wait) throws InterruptedException {
		TaskEvent first = this.queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
		if (first == null) {
			return;
		}
		List<TaskEvent> batch = new ArrayList<>();
		batch.add(first);
		this.queue.drainTo(batch, 1000);
		for (TaskEvent event : batch) {
			try {
				this.template.send(this.topic, event.taskId(), this.json.write(event))
					.whenComplete((result, failure) -> {
						if (failure != null) {
							failed(failure);
						}
					});
			}
			catch (RuntimeException ex) {
				failed(ex);
			}
		}
	}

	private void failed(Throwable failure) {
		this.failedWrites.incrementAndGet();
		long now = this.clock.millis();
		if (now - this.lastWarning > 60_000) {
			this.lastWarning = now;
			logger.warn("Task events could not be written to '" + this.topic + "' of Kafka cluster '" + this.cluster
					+ "' (" + this.failedWrites.get() + " so far; this is logged once a minute): " + failure);
		}
	}

	private final class Writer implements SupervisedThread.Loop {

		@Override
		public void iterate() throws InterruptedException {
			write(Duration.ofMillis(200));
		}

		@Override
		public void close() {
			try {
				while (!TaskEventWriter.this.queue.isEmpty()) {
					write(Duration.ZERO);
				}
				TaskEventWriter.this.template.flush();
			}
			catch (InterruptedException | RuntimeException ex) {
				logger.debug("Task events of Kafka cluster '" + TaskEventWriter.this.cluster
						+ "' left unwritten at shutdown: " + TaskEventWriter.this.queue.size());
			}
		}

	}

}
