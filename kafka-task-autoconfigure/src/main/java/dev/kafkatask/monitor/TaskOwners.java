package dev.kafkatask.monitor;

import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Tells which team owns a task or a queue, for the {@code owner} tag of meters and for the
 * actuator endpoint. A task's owner is the one configured for it, else the one its
 * annotation names, else its queue's; a queue's owner is the one configured for it, else
 * {@value #UNOWNED}.
 *
 * @author kafka-task
 */
public final class TaskOwners {

	/**
	 * Owner of tasks and queues no one claimed.
	 */
	public static final String UNOWNED = "unowned";

	private final Map<String, String> taskOwners;

	private final Map<String, String> queueOwners;

	private final Function<String, @Nullable String> annotated;

	/**
	 * Create owners.
	 * @param taskOwners configured owners by task name
	 * @param queueOwners configured owners by queue, the default of the queue's tasks
	 * @param annotated reads the owner a task's annotation names, or {@code null}
	 */
	public TaskOwners(Map<String, String> taskOwners, Map<String, String> queueOwners,
			Function<String, @Nullable String> annotated) {
		this.taskOwners = Map.copyOf(taskOwners);
		this.queueOwners = Map.copyOf(queueOwners);
		this.annotated = annotated;
	}

	/**
	 * Return owners with nothing configured: everything is {@value #UNOWNED}.
	 * @return the owners
	 */
	public static TaskOwners none() {
		return new TaskOwners(Map.of(), Map.of(), (task) -> null);
	}

	/**
	 * Return the owner of a task of a queue.
	 * @param task the task name
	 * @param queue the queue it came from or goes to
	 * @return the owner
	 */
	public String ofTask(String task, String queue) {
		String owner = ownTaskOwner(task);
		return (owner != null) ? owner : ofQueue(queue);
	}

	/**
	 * Return the owner of a queue.
	 * @param queue the queue
	 * @return the owner
	 */
	public String ofQueue(String queue) {
		return this.queueOwners.getOrDefault(queue, UNOWNED);
	}

	/**
	 * Return the owner a task names itself (configured or annotated), without its queue's.
	 * @param task the task name
	 * @return the owner, or {@code null}
	 */
	public @Nullable String ownTaskOwner(String task) {
		String owner = this.taskOwners.get(task);
		if (owner == null) {
			owner = this.annotated.apply(task);
		}
		return (owner != null && !owner.isBlank()) ? owner : null;
	}

}
