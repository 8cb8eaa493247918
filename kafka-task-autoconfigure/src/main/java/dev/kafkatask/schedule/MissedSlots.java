package dev.kafkatask.schedule;

/**
 * What a leader does with the slots of a schedule that nobody fired in time: those more than
 * the grace period late, after a failover, a restart or a long pause. Slots within the grace
 * period are on time and always fired.
 *
 * @author kafka-task
 */
public enum MissedSlots {

	/**
	 * Fire one task for all the missed slots: the latest of them (Celery beat's behaviour
	 * after downtime).
	 */
	FIRE_ONCE,

	/**
	 * Fire none of them; go on with the next slot.
	 */
	SKIP,

	/**
	 * Fire each missed slot, oldest first, but at most the schedule's missed limit of them
	 * (the latest ones).
	 */
	FIRE_ALL

}
