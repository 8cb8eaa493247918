package dev.kafkatask.kafka.worker;

import java.util.Iterator;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.jspecify.annotations.Nullable;

/**
 * The offsets of one assigned partition: which records were received and which of them have
 * not finished. The offset that is safe to commit is the lowest unfinished offset, or the
 * offset after the last received record when every record finished. Offsets that an earlier
 * owner recorded as finished (see {@link CommitMetadata}) are remembered so that they are
 * not run twice.
 * <p>
 * Thread-safe; a {@link ReentrantLock} rather than {@code synchronized} so that a virtual
 * thread finishing a record never pins its carrier on JDK 21.
 *
 * @author kafka-task
 */
final class PartitionOffsets {

	private final Lock lock = new ReentrantLock();

	private final TreeSet<Long> unfinished = new TreeSet<>();

	private final TreeSet<Long> finishedEarlier = new TreeSet<>();

	private long next = -1;

	private long committed = -1;

	private String committedMetadata = "";

	private volatile boolean detached;

	/**
	 * When the lowest unfinished record became the lowest ({@link System#nanoTime()}): the
	 * commit cannot pass it, so it holds the commit since then.
	 */
	private long lowestSince = System.nanoTime();

	/**
	 * Record that the record at the given offset was received.
	 * @param offset the offset
	 * @return whether it still has to run ({@code false}: an earlier owner finished it)
	 */
	boolean received(long offset) {
		this.lock.lock();
		try {
			this.next = Math.max(this.next, offset + 1);
			if (!this.finishedEarlier.isEmpty()) {
				this.finishedEarlier.headSet(offset).clear();
				if (this.finishedEarlier.remove(offset)) {
					return false;
				}
			}
			if (this.unfinished.isEmpty()) {
				this.lowestSince = System.nanoTime();
			}
			this.unfinished.add(offset);
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Record offsets that an earlier owner of the partition already finished.
	 * @param offsets the offsets
	 */
	void finishedEarlier(NavigableSet<Long> offsets) {
		this.lock.lock();
		try {
			this.finishedEarlier.addAll(offsets);
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
			if (!this.unfinished.isEmpty() && this.unfinished.first() == offset) {
				this.lowestSince = System.nanoTime();
			}
			this.unfinished.remove(offset);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return the lowest unfinished record, which the commit cannot pass: its offset, since
	 * when it holds the commit, and how many records above it finished meanwhile.
	 * @return the record, or {@code null} when every received record finished
	 */
	OffsetTracker.@Nullable OldestUnfinished oldestUnfinished() {
		this.lock.lock();
		try {
			if (this.unfinished.isEmpty()) {
				return null;
			}
			long lowest = this.unfinished.first();
			long finishedAbove = (this.next - lowest - 1) - (this.unfinished.size() - 1);
			return new OffsetTracker.OldestUnfinished(lowest, this.lowestSince, finishedAbove);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Return the offset to commit, with the finished offsets above it as metadata, when it is
	 * beyond the last committed offset or more finished above it.
	 * @param withMetadata whether to encode finished offsets above the commit
	 * @return the offset to commit, or {@code null} when there is nothing new to commit
	 */
	@Nullable OffsetAndMetadata committable(boolean withMetadata) {
		this.lock.lock();
		try {
			if (this.next < 0) {
				return null;
			}
			if (this.unfinished.isEmpty()) {
				return (this.next > this.committed) ? new OffsetAndMetadata(this.next) : null;
			}
			long lowest = this.unfinished.first();
			if (!withMetadata) {
				return (lowest > this.committed) ? new OffsetAndMetadata(lowest) : null;
			}
			// Commit again at the same offset while records above it finish: the metadata moves.
			String metadata = CommitMetadata.encode(lowest, finishedAbove(lowest));
			if (lowest == this.committed && metadata.equals(this.committedMetadata)) {
				return null;
			}
			return new OffsetAndMetadata(lowest, metadata);
		}
		finally {
			this.lock.unlock();
		}
	}

	private NavigableSet<Long> finishedAbove(long lowest) {
		NavigableSet<Long> finished = new TreeSet<>();
		long limit = Math.min(this.next, lowest + 1 + (long) CommitMetadata.MAX_CHARS * 6);
		Iterator<Long> open = this.unfinished.iterator();
		long previous = open.next();
		while (previous < limit) {
			long upTo = open.hasNext() ? open.next() : this.next;
			for (long offset = previous + 1; offset < Math.min(upTo, limit); offset++) {
				finished.add(offset);
			}
			previous = upTo;
		}
		return finished;
	}

	/**
	 * Record that the given offset was committed.
	 * @param offset the committed offset and metadata
	 */
	void committed(OffsetAndMetadata offset) {
		this.lock.lock();
		try {
			if (offset.offset() >= this.committed) {
				this.committed = offset.offset();
				this.committedMetadata = offset.metadata();
			}
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

	boolean isDetached() {
		return this.detached;
	}

}
