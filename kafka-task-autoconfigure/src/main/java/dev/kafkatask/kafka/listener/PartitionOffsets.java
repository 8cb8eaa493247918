package dev.kafkatask.kafka.listener;

import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The offsets of one assigned partition: which records were received and which of them have
 * not finished. The offset that is safe to commit is the lowest unfinished offset, or the
 * offset after the last received record when every record finished.
 * <p>
 * Thread-safe; a {@link ReentrantLock} rather than {@code synchronized} so that a virtual
 * thread finishing a record never pins its carrier on JDK 21.
 *
 * @author kafka-task
 */
final class PartitionOffsets {

	private final Lock lock = new ReentrantLock();

	private final TreeSet<Long> unfinished = new TreeSet<>();

	private long next = -1;

	private long committed = -1;

	private volatile boolean detached;

	/**
	 * Record that the record at the given offset was received.
	 * @param offset the offset
	 */
	void received(long offset) {
		this.lock.lock();
		try {
			this.unfinished.add(offset);
			this.next = Math.max(this.next, offset + 1);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Record that the record at the given offset finished. Ignored once the partition was
	 * detached (revoked or lost): a later assignment tracks its records afresh.
	 * @param offset the offset
	 */
	void finished(long offset) {
		if (this.detached) {
			return;
		}
		this.lock.lock();
		try {
			this.unfinished.remove(offset);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return the offset to commit, when it is beyond the last committed offset.
	 * @return the offset to commit, or empty when there is nothing new to commit
	 */
	OptionalLong committable() {
		this.lock.lock();
		try {
			long offset = this.unfinished.isEmpty() ? this.next : this.unfinished.first();
			return (offset >= 0 && offset > this.committed) ? OptionalLong.of(offset) : OptionalLong.empty();
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Record that the given offset was committed.
	 * @param offset the committed offset
	 */
	void committed(long offset) {
		this.lock.lock();
		try {
			this.committed = Math.max(this.committed, offset);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return how many received records have not finished.
	 * @return the count
	 */
	int unfinishedCount() {
		this.lock.lock();
		try {
			return this.unfinished.size();
		}
		finally {
			this.lock.unlock();
		}
	}

	void detach() {
		this.detached = true;
	}

}
