package dev.kafkatask.kafka.worker;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The platform threads of CPU-heavy tasks: a fixed pool that makes up for threads stuck in
 * tasks abandoned at their hard time limit. Such a thread cannot be killed and may never
 * return; without a stand-in for it, a few stuck tasks would starve every other platform
 * task. The pool grows by one thread per stuck thread, up to {@code maxStandIns} in all, and
 * shrinks back as stuck threads return.
 *
 * @author kafka-task
 */
final class PlatformThreadPool {

	private static final Log logger = LogFactory.getLog(PlatformThreadPool.class);

	private final ThreadPoolExecutor executor;

	private final int size;

	private final int maxStandIns;

	private final ReentrantLock lock = new ReentrantLock();

	private int standIns;

	/**
	 * Create a pool.
	 * @param size its threads
	 * @param maxStandIns the most threads it adds for stuck ones
	 * @param threadFactory makes its threads
	 */
	PlatformThreadPool(int size, int maxStandIns, ThreadFactory threadFactory) {
		this.size = size;
		this.maxStandIns = maxStandIns;
		this.executor = new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
				threadFactory);
	}

	void execute(Runnable task) {
		this.executor.execute(task);
	}

	/**
	 * A thread of the pool is stuck in an abandoned task: add a thread in its stead, if the
	 * pool has not added its most already.
	 * @return whether a thread was added (then {@link #returned()} must follow)
	 */
	boolean stuck() {
		this.lock.lock();
		try {
			if (this.standIns >= this.maxStandIns) {
				logger.warn("Platform thread pool has " + this.standIns + " threads standing in for stuck ones, its"
						+ " most: CPU-heavy tasks queue behind the stuck threads until they return");
				return false;
			}
			this.standIns++;
			this.executor.setMaximumPoolSize(this.size + this.standIns);
			this.executor.setCorePoolSize(this.size + this.standIns);
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * A stuck thread for which a thread was added returned: the pool shrinks back.
	 */
	void returned() {
		this.lock.lock();
		try {
			this.standIns--;
			this.executor.setCorePoolSize(this.size + this.standIns);
			this.executor.setMaximumPoolSize(this.size + this.standIns);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return how many threads the pool may run now.
	 * @return its size, with the threads standing in for stuck ones
	 */
	int capacity() {
		return this.executor.getMaximumPoolSize();
	}

	void shutdownNow() {
		this.executor.shutdownNow();
	}

}
