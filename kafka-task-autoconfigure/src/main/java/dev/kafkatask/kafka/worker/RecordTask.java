package dev.kafkatask.kafka.worker;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Runs the task of one record, on the thread its executor gives it, and settles the record:
 * its ticket is told exactly once, when the {@link TaskRecordHandler} says the record is
 * settled, and its slot is released exactly once, then or when the thread returns unsettled
 * (interrupted by a shutdown: the record stays uncommitted and runs again). The record is let
 * go as soon as it is handed on, so that a long-running task holds only its bound arguments.
 * <p>
 * A task abandoned at its hard time limit is settled while its thread is still stuck; on the
 * platform pool, a thread is added in its stead until it returns.
 *
 * @author kafka-task
 */
final class RecordTask implements Runnable {

	private static final int RUNNING = 0;

	private static final int STOOD_IN = 1;

	private static final int RETURNED = 2;

	private @Nullable ConsumerRecord<String, byte[]> record;

	private final Ticket ticket;

	private final Runnable release;

	private final TaskRecordHandler handler;

	private final Runnable onProgress;

	private final @Nullable PlatformThreadPool platformThreads;

	private final AtomicBoolean settled = new AtomicBoolean();

	private final AtomicBoolean released = new AtomicBoolean();

	private final AtomicInteger thread = new AtomicInteger(RUNNING);

	/**
	 * Create the run of a record.
	 * @param record the record
	 * @param ticket told once the record is settled
	 * @param release frees its slot
	 * @param handler takes it to its outcome
	 * @param onProgress told when a record is settled
	 * @param platformThreads the pool it runs on, if it runs on the platform pool
	 */
	RecordTask(ConsumerRecord<String, byte[]> record, Ticket ticket, Runnable release,
			TaskRecordHandler handler, Runnable onProgress, @Nullable PlatformThreadPool platformThreads) {
		this.record = record;
		this.ticket = ticket;
		this.release = release;
		this.handler = handler;
		this.onProgress = onProgress;
		this.platformThreads = platformThreads;
	}

	@Override
	public void run() {
		ConsumerRecord<String, byte[]> current = this.record;
		this.record = null;
		try {
			if (current != null) {
				this.handler.handle(current, this::settled, this.ticket::isOwned);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			returned();
		}
	}

	private void settled(boolean abandoned, boolean deadLettered) {
		if (!this.settled.compareAndSet(false, true)) {
			return;
		}
		this.ticket.settled(deadLettered);
		this.onProgress.run();
		releaseSlot();
		PlatformThreadPool pool = this.platformThreads;
		if (abandoned && pool != null && this.thread.get() == RUNNING && pool.stuck()
				&& !this.thread.compareAndSet(RUNNING, STOOD_IN)) {
			// returned meanwhile: no stand-in needed after all
			pool.returned();
		}
	}

	private void returned() {
		if (this.thread.getAndSet(RETURNED) == STOOD_IN && this.platformThreads != null) {
			this.platformThreads.returned();
		}
		// Unsettled (interrupted) records free their slot but are not finished: not committed.
		releaseSlot();
	}

	private void releaseSlot() {
		if (this.released.compareAndSet(false, true)) {
			this.release.run();
		}
	}

	/**
	 * What a record's engine keeps of it until it is settled: an offset to commit (consumer
	 * groups) or a record to acknowledge (share groups).
	 */
	interface Ticket {

		/**
		 * The record is settled: it may be committed or acknowledged. Called at most once.
		 * @param deadLettered whether it was settled by writing it to its dead-letter topic
		 */
		void settled(boolean deadLettered);

		/**
		 * Return whether settling the record still counts: its consumer group partition was
		 * not revoked or lost since, or its share group delivery was not given up.
		 * @return whether the record is still this worker's
		 */
		boolean isOwned();

	}

}
