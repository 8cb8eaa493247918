package dev.kafkatask.kafka.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.monitor.TaskObserver;

/**
 * The share consumers of a {@link TaskWorker}: {@code consumers} {@link ShareLoop}s, each on
 * its own platform thread under a {@link PollLoopSupervisor}, started and stopped with the
 * worker, and what they tell of themselves added up.
 *
 * @author kafka-task
 */
final class ShareLoops {

	private static final Log logger = LogFactory.getLog(ShareLoops.class);

	private final Lock lock = new ReentrantLock();

	private final ShareConsumption share;

	private final TopicStates states;

	private final IntFunction<ShareLoop> newLoop;

	private final TaskObserver observer;

	private final List<Thread> threads = new ArrayList<>();

	private volatile List<ShareLoop> loops = List.of();

	private final String clusterSuffix;

	/**
	 * Create the share consumers of a worker.
	 * @param share what they need
	 * @param states the states of the share group's topics
	 * @param newLoop makes the loop of a consumer, by index
	 * @param observer told of each loop's failure
	 * @param clusterSuffix ends the names of their threads: empty on the default cluster
	 */
	ShareLoops(ShareConsumption share, TopicStates states, IntFunction<ShareLoop> newLoop, TaskObserver observer,
			String clusterSuffix) {
		this.share = share;
		this.clusterSuffix = clusterSuffix;
		this.states = states;
		this.newLoop = newLoop;
		this.observer = observer;
	}

	/**
	 * Start the consumers, unless the worker has no share group topic.
	 * @param stopRequested counted down when the worker stops
	 * @throws IllegalStateException if the consumers of the last start are still stopping
	 */
	void start(CountDownLatch stopRequested) {
		this.lock.lock();
		try {
			this.threads.removeIf((thread) -> !thread.isAlive());
			if (this.states.all().isEmpty()) {
				this.loops = List.of();
				return;
			}
			if (!this.threads.isEmpty()) {
				throw new IllegalStateException("Share consumers of group '" + groupId()
						+ "' are still stopping; start the worker again once they stopped");
			}
			int consumers = this.share.settings().consumers();
			List<ShareLoop> started = new ArrayList<>();
			for (int i = 0; i < consumers; i++) {
				int index = i;
				ShareLoop loop = this.newLoop.apply(index);
				started.add(loop);
				this.threads.add(Thread.ofPlatform()
					.name("kafka-task-share-" + groupId() + this.clusterSuffix + "-" + index)
					.daemon(false)
					.start(new PollLoopSupervisor(groupId(), loop, stopRequested,
							() -> restart(stopRequested, index), this.observer)));
			}
			this.loops = List.copyOf(started);
			logger.info(consumers + " share consumer(s) of group '" + groupId() + "' started on "
					+ this.states.subscribed());
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Replace a failed loop with a new one, unless the worker was stopped meanwhile.
	 */
	private @Nullable ShareLoop restart(CountDownLatch stopRequested, int index) {
		this.lock.lock();
		try {
			if (stopRequested.getCount() == 0) {
				return null;
			}
			ShareLoop next = this.newLoop.apply(index);
			List<ShareLoop> loops = new ArrayList<>(this.loops);
			if (index < loops.size()) {
				loops.set(index, next);
				this.loops = List.copyOf(loops);
			}
			return next;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Stop the consumers: each waits for its tasks (up to the shutdown timeout), commits its
	 * acknowledgements and leaves the group.
	 * @param timeout how long to wait for each
	 * @throws InterruptedException if interrupted while waiting
	 */
	void stop(Duration timeout) throws InterruptedException {
		List<ShareLoop> stopping = this.loops;
		stopping.forEach(ShareLoop::requestStop);
		try {
			for (ShareLoop loop : stopping) {
				if (!loop.awaitStopped(timeout)) {
					logger.warn("A share consumer of group '" + groupId() + "' did not stop within " + timeout
							+ "; it goes on stopping in the background");
				}
			}
		}
		finally {
			this.loops = List.of();
			this.share.group().close();
		}
	}

	/**
	 * Tell the consumers to look at their topics' states again.
	 */
	void wakeUp() {
		this.loops.forEach(ShareLoop::wakeUp);
	}

	boolean isRunning() {
		return this.loops.stream().allMatch(ShareLoop::isRunning);
	}

	@Nullable Throwable failure() {
		return this.loops.stream().map(ShareLoop::failure).filter(Objects::nonNull).findFirst().orElse(null);
	}

	int inFlight() {
		return this.loops.stream().mapToInt(ShareLoop::inFlight).sum();
	}

	int inFlight(String topic) {
		return this.loops.stream().mapToInt((loop) -> loop.inFlight(topic)).sum();
	}

	/**
	 * Return the shorter of a time since progress and the consumers' own.
	 * @param since the time since the consumer group's progress
	 * @return the time since the last progress of either
	 */
	Duration sinceProgress(Duration since) {
		Duration shortest = since;
		for (ShareLoop loop : this.loops) {
			Duration loopSince = loop.sinceProgress();
			shortest = (loopSince.compareTo(shortest) < 0) ? loopSince : shortest;
		}
		return shortest;
	}

	private String groupId() {
		return this.share.settings().groupId();
	}

}
