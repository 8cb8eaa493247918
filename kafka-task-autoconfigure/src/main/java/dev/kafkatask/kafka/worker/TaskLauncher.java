package dev.kafkatask.kafka.worker;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.kafkatask.kafka.TaskHeaders;

/**
 * Starts the task of a record as a {@link RecordTask}: on a virtual thread of its own, or on
 * the platform pool for tasks marked CPU-heavy. What a consumer loop, group or share, does
 * with each record it may run.
 *
 * @author kafka-task
 */
final class TaskLauncher {

	private final TaskRecordHandler handler;

	private final ExecutorService virtualThreads;

	private final PlatformThreadPool platformThreads;

	private final Predicate<String> runsOnPlatformThreads;

	/**
	 * Create a launcher.
	 * @param handler takes each record to its outcome
	 * @param virtualThreads runs tasks, one virtual thread each
	 * @param platformThreads runs CPU-heavy tasks
	 * @param runsOnPlatformThreads tells which tasks, by name, are CPU-heavy
	 */
	TaskLauncher(TaskRecordHandler handler, ExecutorService virtualThreads, PlatformThreadPool platformThreads,
			Predicate<String> runsOnPlatformThreads) {
		this.handler = handler;
		this.virtualThreads = virtualThreads;
		this.platformThreads = platformThreads;
		this.runsOnPlatformThreads = runsOnPlatformThreads;
	}

	/**
	 * Start the task of a record.
	 * @param record the record
	 * @param ticket told once the record is settled
	 * @param release called once when the record's slot is free: settled, or its thread ended
	 * unsettled, or it could not start (refused while stopping)
	 * @param onProgress told when the record is settled
	 */
	void launch(ConsumerRecord<String, byte[]> record, RecordTask.Ticket ticket, Runnable release,
			Runnable onProgress) {
		boolean platform = this.runsOnPlatformThreads.test(taskName(record));
		RecordTask task = new RecordTask(record, ticket, release, this.handler, onProgress,
				platform ? this.platformThreads : null);
		try {
			if (platform) {
				this.platformThreads.execute(task);
			}
			else {
				this.virtualThreads.execute(task);
			}
		}
		catch (RuntimeException ex) {
			// Refused while stopping: the record did not run.
			release.run();
		}
	}

	/**
	 * Interrupt every running task and start no more: their records stay unsettled.
	 */
	void shutdownNow() {
		this.virtualThreads.shutdownNow();
		this.platformThreads.shutdownNow();
	}

	private static String taskName(ConsumerRecord<String, byte[]> record) {
		Header header = record.headers().lastHeader(TaskHeaders.TASK_NAME);
		return (header != null) ? new String(header.value(), StandardCharsets.UTF_8) : "";
	}

}
