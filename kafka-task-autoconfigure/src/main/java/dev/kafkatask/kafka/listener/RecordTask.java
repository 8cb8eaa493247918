package dev.kafkatask.kafka.listener;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.execution.PreparedTask;

/**
 * Runs the task of one record, on the thread its executor gives it. The record is let go as
 * soon as it is decoded, so that a long-running task holds only its bound arguments; the
 * record's ticket is finished and its slot released exactly once, when the task ends or
 * earlier if it is abandoned at its time limit.
 *
 * @author kafka-task
 */
final class RecordTask implements Runnable {

	private static final Log logger = LogFactory.getLog(RecordTask.class);

	private @Nullable ConsumerRecord<String, byte[]> record;

	private final String topic;

	private final int partition;

	private final long offset;

	private final @Nullable String key;

	private final OffsetTracker.Ticket ticket;

	private final Runnable release;

	private final TaskRecordHandler handler;

	private final Runnable onProgress;

	RecordTask(ConsumerRecord<String, byte[]> record, OffsetTracker.Ticket ticket, Runnable release,
			TaskRecordHandler handler, Runnable onProgress) {
		this.record = record;
		this.topic = record.topic();
		this.partition = record.partition();
		this.offset = record.offset();
		this.key = record.key();
		this.ticket = ticket;
		this.release = release;
		this.handler = handler;
		this.onProgress = onProgress;
	}

	@Override
	public void run() {
		ConsumerRecord<String, byte[]> record = this.record;
		this.record = null;
		// Settled once: when the task ends, or earlier if it is abandoned at its time limit.
		AtomicBoolean settled = new AtomicBoolean();
		boolean finished = false;
		try {
			PreparedTask task = this.handler.prepare(record);
			record = null;
			if (task != null) {
				this.handler.run(task, this.topic, this.key, () -> {
					if (settled.compareAndSet(false, true)) {
						this.ticket.finished();
						this.release.run();
					}
				});
			}
			finished = true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException | Error ex) {
			// Not the task failing (that is handled and counted) but kafka-task itself: keep the
			// record unfinished so that it is not committed and runs again.
			logger.error("Unexpected failure handling record " + this.topic + "-" + this.partition + "@"
					+ this.offset + "; it stays uncommitted", ex);
		}
		finally {
			if (settled.compareAndSet(false, true)) {
				if (finished) {
					this.ticket.finished();
					this.onProgress.run();
				}
				this.release.run();
			}
		}
	}

}
