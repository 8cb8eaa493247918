package dev.kafkatask.dispatch;

/**
 * The failure of a unique dispatch whose key another dispatch holds: the task was not
 * enqueued (celery-once's {@code AlreadyQueued}).
 *
 * @author kafka-task
 */
public class TaskAlreadyQueuedException extends IllegalStateException {

	private final UniqueClaim holder;

	public TaskAlreadyQueuedException(String task, UniqueClaim holder) {
		super("Task '" + task + "' was not enqueued: its unique key '" + holder.key() + "' is held by task '"
				+ holder.task() + "' [" + holder.taskId() + "], dispatched at " + holder.claimedAt() + ", until "
				+ holder.until());
		this.holder = holder;
	}

	/**
	 * Return the claim that holds the key.
	 * @return the claim
	 */
	public UniqueClaim getHolder() {
		return this.holder;
	}

}
