package dev.kafkatask.routing;

/**
 * What keeps a ramped dispatch on its route.
 *
 * @author kafka-task
 */
public enum StickyKey {

	/**
	 * The task id: a retry (which keeps its id) takes the route of its first attempt.
	 */
	TASK_ID,

	/**
	 * The dispatch's partitioning key, or the task id when it has none: every task of one
	 * key (one customer, one order) takes the same route.
	 */
	KEY

}
