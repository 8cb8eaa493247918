package dev.kafkatask.task;

/**
 * The threads a task runs on.
 *
 * @author kafka-task
 */
public enum TaskThreads {

	/**
	 * A virtual thread of its own: the default, right for tasks that wait on I/O.
	 */
	VIRTUAL,

	/**
	 * The worker's bounded pool of platform threads ({@code kafka-task.worker.platform-threads}),
	 * for CPU-heavy tasks, so that they cannot occupy every carrier thread and starve the
	 * virtual threads of I/O tasks.
	 */
	PLATFORM

}
