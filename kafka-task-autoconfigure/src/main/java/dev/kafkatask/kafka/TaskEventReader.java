package dev.kafkatask.kafka;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the events topic of one Kafka cluster, on a {@link TopicReader} of its own, and
 * tells how long a question waits for its first read. The default cluster's reader is
 * waited for by every question until it has read the topic as far as it went (at most the
 * wait each question allows), as before there were several clusters; a named cluster's only
 * within the first read's timeout after it started reading: a named cluster that is down
 * costs the questions of those first seconds, not every question, and holds up neither the
 * other clusters' readers nor their events.
 *
 * @author kafka-task
 */
final class TaskEventReader {

	private final String cluster;

	private final TopicReader reader;

	private final boolean waitedForByEveryQuestion;

	private final Duration firstReadTimeout;

	private final AtomicLong startedAt = new AtomicLong(Long.MIN_VALUE);

	/**
	 * Create the reader of one cluster.
	 * @param cluster the cluster's name
	 * @param reader reads its events topic
	 * @param waitedForByEveryQuestion whether every question waits for its first read (the
	 * default cluster's), or only those asked within the first read's timeout after it started
	 * @param firstReadTimeout how long the first read is waited for
	 */
	TaskEventReader(String cluster, TopicReader reader, boolean waitedForByEveryQuestion,
			Duration firstReadTimeout) {
		this.cluster = cluster;
		this.reader = reader;
		this.waitedForByEveryQuestion = waitedForByEveryQuestion;
		this.firstReadTimeout = firstReadTimeout;
	}

	/**
	 * Return the name of the cluster it reads.
	 * @return the cluster
	 */
	String cluster() {
		return this.cluster;
	}

	/**
	 * Start reading, unless started.
	 */
	void start() {
		this.startedAt.compareAndSet(Long.MIN_VALUE, System.nanoTime());
		this.reader.start();
	}

	/**
	 * Stop reading, if started.
	 */
	void stop() {
		this.reader.stop();
	}

	/**
	 * Wait until the reader has read its topic as far as it went when it started, at most
	 * until the given deadline and, unless every question waits for it, the end of the first
	 * read's timeout after it started.
	 * @param deadline the deadline, in {@link System#nanoTime()} terms
	 * @return whether it has read that far
	 * @throws InterruptedException if interrupted
	 */
	boolean awaitFirstRead(long deadline) throws InterruptedException {
		long until = deadline;
		long started = this.startedAt.get();
		if (!this.waitedForByEveryQuestion && started != Long.MIN_VALUE) {
			until = Math.min(until, started + this.firstReadTimeout.toNanos());
		}
		long left = Math.max(0, until - System.nanoTime());
		return this.reader.awaitCaughtUp(Duration.ofNanos(left));
	}

}
