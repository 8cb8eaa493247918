package dev.kafkatask.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import org.jspecify.annotations.Nullable;

/**
 * Dispatches tasks from several threads at once, like concurrent requests of a service: each
 * thread sends a contiguous range of task ids, and the futures of their acknowledgements are
 * counted.
 *
 * @author kafka-task
 */
final class Load {

	private final int threads;

	private final int tasks;

	private final @Nullable Semaphore outstanding;

	private final double rate;

	private final AtomicInteger sent = new AtomicInteger();

	private final AtomicInteger failures = new AtomicInteger();

	private final AtomicLong cpuNanos = new AtomicLong();

	/**
	 * Create a load.
	 * @param threads the dispatching threads
	 * @param tasks the tasks, ids {@code 0..tasks-1}, split evenly among the threads
	 * @param maxOutstanding most dispatches not acknowledged yet, {@code 0} for no limit
	 */
	Load(int threads, int tasks, int maxOutstanding) {
		this(threads, tasks, maxOutstanding, 0);
	}

	/**
	 * Create a load, paced or not.
	 * @param threads the dispatching threads
	 * @param tasks the tasks, ids {@code 0..tasks-1}
	 * @param maxOutstanding most dispatches not acknowledged yet, {@code 0} for no limit
	 * @param rate tasks per second, {@code 0} for as fast as the threads go: each thread then
	 * sends a contiguous range of ids; when paced, thread {@code t} sends ids {@code t, t +
	 * threads, ...}, task {@code i} at {@code i / rate} seconds after the start
	 */
	Load(int threads, int tasks, int maxOutstanding, double rate) {
		this.threads = threads;
		this.tasks = tasks;
		this.outstanding = (maxOutstanding > 0) ? new Semaphore(maxOutstanding) : null;
		this.rate = rate;
	}

	int sent() {
		return this.sent.get();
	}

	/**
	 * Send every task and wait for the acknowledgements.
	 * @param send dispatches the task of an id
	 * @param timeout how long to wait for the acknowledgements
	 * @return when sending started, ended and was acknowledged
	 * @throws InterruptedException if interrupted
	 */
	Outcome run(IntFunction<CompletableFuture<?>> send, Duration timeout) throws InterruptedException {
		CountDownLatch go = new CountDownLatch(1);
		CountDownLatch allSent = new CountDownLatch(this.threads);
		CountDownLatch acked = new CountDownLatch(this.tasks);
		List<Thread> senders = new ArrayList<>();
		long[] start = new long[1];
		for (int t = 0; t < this.threads; t++) {
			int thread = t;
			senders.add(Thread.ofPlatform().name("bench-request-" + t).daemon(true).start(() -> {
				try {
					go.await();
					if (this.rate > 0) {
						for (int id = thread; id < this.tasks; id += this.threads) {
							long due = start[0] + (long) (id * 1e9 / this.rate);
							while (System.nanoTime() - due < 0) {
								LockSupport.parkNanos(due - System.nanoTime());
							}
							send(send, id, acked);
						}
					}
					else {
						int from = (int) ((long) thread * this.tasks / this.threads);
						int to = (int) ((long) (thread + 1) * this.tasks / this.threads);
						for (int id = from; id < to; id++) {
							send(send, id, acked);
						}
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				finally {
					this.cpuNanos.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
					allSent.countDown();
				}
			}));
		}
		start[0] = System.nanoTime();
		go.countDown();
		allSent.await();
		long sentAt = System.nanoTime();
		boolean complete = acked.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		long ackedAt = System.nanoTime();
		return new Outcome(start[0], sentAt, complete ? ackedAt : -1,
				this.failures.get() + (complete ? 0 : (int) acked.getCount()), Result.seconds(this.cpuNanos.get()));
	}

	private void send(IntFunction<CompletableFuture<?>> send, int id, CountDownLatch acked)
			throws InterruptedException {
		if (this.outstanding != null) {
			this.outstanding.acquire();
		}
		CompletableFuture<?> future;
		try {
			future = send.apply(id);
		}
		catch (RuntimeException ex) {
			future = CompletableFuture.failedFuture(ex);
		}
		this.sent.incrementAndGet();
		future.whenComplete((result, failure) -> {
			if (failure != null) {
				this.failures.incrementAndGet();
			}
			if (this.outstanding != null) {
				this.outstanding.release();
			}
			acked.countDown();
		});
	}

	/**
	 * When a load was sent.
	 *
	 * @param start when the threads were let go ({@link System#nanoTime()})
	 * @param sent when every thread had sent its tasks
	 * @param acked when every task was acknowledged, {@code -1} if not in time
	 * @param failures dispatches that failed or were not acknowledged in time
	 * @param cpuSeconds CPU time the dispatching threads used
	 */
	record Outcome(long start, long sent, long acked, int failures, double cpuSeconds) {

		double sendSeconds() {
			return Result.seconds(this.sent - this.start);
		}

		@Nullable Double ackSeconds() {
			return (this.acked >= 0) ? Result.seconds(this.acked - this.start) : null;
		}

	}

}
