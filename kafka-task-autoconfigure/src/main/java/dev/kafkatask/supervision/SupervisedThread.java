package dev.kafkatask.supervision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;
import org.springframework.util.backoff.BackOff;
import org.springframework.util.backoff.BackOffExecution;
import org.springframework.util.backoff.ExponentialBackOff;

import dev.kafkatask.monitor.TaskObserver;

/**
 * A background thread of kafka-task that no exception ends: it runs the iterations of a
 * {@link Loop} one after another until {@link #stop(Duration) stopped}. When an iteration
 * throws, the failure is logged, counted ({@link TaskObserver#backgroundFailure}, tagged with
 * the thread's {@link #getName() name}) and handed to {@link Loop#recover}, where the loop
 * drops what failed (a Kafka consumer is closed there, and created again by the next
 * iteration); then the thread waits out a back-off — by default 100 ms, doubling up to 30 s,
 * reset by the next good iteration — and goes on. Only {@link #stop(Duration)} ends it.
 * <p>
 * Its {@link #status() status} tells whether the last iteration failed, how many failed in a
 * row, since when and why: health indicators read it.
 *
 * @author kafka-task
 */
public final class SupervisedThread {

	private static final Log logger = LogFactory.getLog(SupervisedThread.class);

	private final String name;

	private volatile String threadName;

	private final Loop loop;

	private final TaskObserver observer;

	private final ReentrantLock lifecycle = new ReentrantLock();

	private BackOff backOff = defaultBackOff();

	private Duration interval = Duration.ZERO;

	private Clock clock = Clock.systemUTC();

	private @Nullable Run run;

	private volatile Status status = Status.HEALTHY;

	/**
	 * Create a supervised thread.
	 * @param name what the thread is, as the {@code thread} tag of
	 * {@code kafka.task.background.failures} ({@code delays}, {@code replies}, ...)
	 * @param threadName the name of the platform thread
	 * @param loop what the thread does
	 * @param observer told of each failure
	 */
	public SupervisedThread(String name, String threadName, Loop loop, TaskObserver observer) {
		Assert.hasText(name, "'name' must not be empty");
		Assert.hasText(threadName, "'threadName' must not be empty");
		this.name = name;
		this.threadName = threadName;
		this.loop = loop;
		this.observer = observer;
	}

	/**
	 * Set the name of the platform thread, before {@link #start()}.
	 * @param threadName the name
	 */
	public void setThreadName(String threadName) {
		Assert.hasText(threadName, "'threadName' must not be empty");
		this.threadName = threadName;
	}

	/**
	 * Set the back-off after a failed iteration, before {@link #start()}.
	 * @param backOff the back-off, started anew after each good iteration
	 */
	public void setBackOff(BackOff backOff) {
		this.backOff = backOff;
	}

	/**
	 * Set how long the thread waits after a good iteration before the next, for periodic
	 * work; zero (the default) for a loop that blocks in its iterations (a consumer's poll).
	 * @param interval the pause between good iterations
	 */
	public void setInterval(Duration interval) {
		Assert.isTrue(!interval.isNegative(), "'interval' must not be negative");
		this.interval = interval;
	}

	/**
	 * Set the clock that times failures.
	 * @param clock the clock
	 */
	public void setClock(Clock clock) {
		this.clock = clock;
	}

	/**
	 * Start the thread, unless it runs.
	 */
	public void start() {
		this.lifecycle.lock();
		try {
			if (this.run != null) {
				return;
			}
			this.status = Status.HEALTHY;
			Run next = new Run();
			next.thread = Thread.ofPlatform().name(this.threadName).daemon(true).unstarted(() -> supervise(next));
			this.run = next;
			next.thread.start();
		}
		finally {
			this.lifecycle.unlock();
		}
	}

	/**
	 * Stop the thread: no iteration starts any more, the loop is {@link Loop#wakeUp() woken
	 * up} and the thread waited for.
	 * @param timeout how long to wait for the thread to end
	 * @return whether it ended in time
	 */
	public boolean stop(Duration timeout) {
		Run current;
		this.lifecycle.lock();
		try {
			current = this.run;
			this.run = null;
		}
		finally {
			this.lifecycle.unlock();
		}
		if (current == null) {
			return true;
		}
		current.stop();
		try {
			this.loop.wakeUp();
		}
		catch (RuntimeException ex) {
			logger.debug("Could not wake up background thread '" + this.threadName + "'", ex);
		}
		Thread thread = current.thread;
		if (thread == null || thread == Thread.currentThread()) {
			return false;
		}
		try {
			return thread.join(timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return !thread.isAlive();
		}
	}

	/**
	 * Whether the thread was started and not stopped.
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return this.run != null;
	}

	/**
	 * Return what the thread is, as tagged on its failures.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return whether the thread's last iteration failed, and since when.
	 * @return the status
	 */
	public Status status() {
		return this.status;
	}

	private void supervise(Run run) {
		BackOffExecution backOff = null;
		try {
			while (!run.stopping) {
				try {
					this.loop.iterate();
				}
				catch (Throwable ex) {
					if (run.stopping) {
						// woken up to stop
						break;
					}
					if (backOff == null) {
						backOff = this.backOff.start();
					}
					long wait = nextBackOff(backOff);
					failed(ex, wait);
					run.await(wait);
					continue;
				}
				if (backOff != null) {
					backOff = null;
					recovered();
				}
				if (!this.interval.isZero()) {
					run.await(this.interval.toMillis());
				}
			}
		}
		finally {
			try {
				this.loop.close();
			}
			catch (Throwable ex) {
				logger.warn("Background thread '" + this.threadName + "' could not close cleanly", ex);
			}
		}
	}

	private long nextBackOff(BackOffExecution backOff) {
		long wait = backOff.nextBackOff();
		return (wait >= 0) ? wait : ExponentialBackOff.DEFAULT_MAX_INTERVAL;
	}

	private void failed(Throwable failure, long wait) {
		// an interrupt meant for a blocking call must not cut the back-off short
		Thread.interrupted();
		Status previous = this.status;
		Instant since = (previous.failingSince() != null) ? previous.failingSince() : this.clock.instant();
		this.status = new Status(previous.consecutiveFailures() + 1, failure, since);
		String message = "Background thread '" + this.threadName + "' failed (" + this.status.consecutiveFailures()
				+ " in a row); going on in " + wait + " ms";
		if (previous.consecutiveFailures() == 0) {
			logger.error(message, failure);
		}
		else {
			logger.warn(message + ": " + failure);
		}
		try {
			this.observer.backgroundFailure(this.name, failure);
		}
		catch (RuntimeException ex) {
			logger.debug("Observer failed", ex);
		}
		try {
			this.loop.recover(failure);
		}
		catch (Throwable ex) {
			logger.warn("Background thread '" + this.threadName + "' could not recover from its failure", ex);
		}
	}

	private void recovered() {
		Status previous = this.status;
		this.status = Status.HEALTHY;
		logger.info("Background thread '" + this.threadName + "' works again after " + previous.consecutiveFailures()
				+ " failure(s)");
	}

	private static BackOff defaultBackOff() {
		ExponentialBackOff backOff = new ExponentialBackOff(100, 2.0);
		backOff.setMaxInterval(30_000);
		return backOff;
	}

	/**
	 * The work of a supervised thread, one iteration at a time.
	 */
	@FunctionalInterface
	public interface Loop {

		/**
		 * Do one iteration: poll and handle what came, or refresh once. Called again at once
		 * (or after the {@link SupervisedThread#setInterval interval}) when it returns, and
		 * after a back-off when it throws.
		 * @throws Exception anything; it is logged and counted, and the thread goes on
		 */
		void iterate() throws Exception;

		/**
		 * Drop what failed, after an iteration threw: close a consumer, so that the next
		 * iteration creates a new one that starts from the committed offsets.
		 * @param failure what the iteration threw
		 */
		default void recover(Throwable failure) {
		}

		/**
		 * End a blocking call of an iteration, from the thread that stops this one (a
		 * consumer's {@code wakeup()}).
		 */
		default void wakeUp() {
		}

		/**
		 * Release what the loop holds, on the supervised thread, as it ends.
		 */
		default void close() {
		}

	}

	/**
	 * Whether a supervised thread's last iteration failed.
	 *
	 * @param consecutiveFailures iterations that failed in a row, {@code 0} when the last one
	 * went well
	 * @param lastFailure what the last failed iteration threw, or {@code null} when the last
	 * iteration went well
	 * @param failingSince when the first of the failures in a row happened, or {@code null}
	 */
	public record Status(int consecutiveFailures, @Nullable Throwable lastFailure, @Nullable Instant failingSince) {

		/**
		 * The status of a thread whose last iteration went well.
		 */
		public static final Status HEALTHY = new Status(0, null, null);

		/**
		 * Whether the last iteration failed (the thread is backing off or trying again).
		 * @return whether it is failing
		 */
		public boolean failing() {
			return this.consecutiveFailures > 0;
		}

	}

	/**
	 * One run of the thread, from start to stop.
	 */
	private static final class Run {

		private final CountDownLatch stopped = new CountDownLatch(1);

		private volatile boolean stopping;

		private @Nullable Thread thread;

		void stop() {
			this.stopping = true;
			this.stopped.countDown();
		}

		void await(long millis) {
			try {
				this.stopped.await(millis, TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				// only stop() ends the thread
			}
		}

	}

}
