package dev.kafkatask.execution;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;

/**
 * The settlement of one delivery: its outcome recorded and its backend told, exactly once,
 * whichever thread gets there first (the task's, or the one that settles it at its hard
 * time limit).
 *
 * @author kafka-task
 */
final class Settlement {

	final TaskDelivery delivery;

	private final DeliveryHandler.Settled settled;

	private final TaskObserver observer;

	private final AtomicBoolean done = new AtomicBoolean();

	/**
	 * The task name its outcome is counted under: {@link DeliveryHandler#UNKNOWN_TASK} until
	 * it names a registered task.
	 */
	volatile String task = DeliveryHandler.UNKNOWN_TASK;

	Settlement(TaskDelivery delivery, DeliveryHandler.Settled settled, TaskObserver observer) {
		this.delivery = delivery;
		this.settled = settled;
		this.observer = observer;
	}

	boolean isSettled() {
		return this.done.get();
	}

	/**
	 * Record the outcome and tell the backend, unless the delivery was settled already.
	 * @param outcome the outcome
	 * @param duration how long the task ran, {@link Duration#ZERO} if it did not
	 */
	void settle(TaskOutcome outcome, Duration duration) {
		if (this.done.compareAndSet(false, true)) {
			try {
				this.observer.handled(this.task, this.delivery.queue(), this.delivery.backend(), outcome, duration);
			}
			finally {
				this.settled.settled(outcome == TaskOutcome.ABANDONED);
			}
		}
	}

}
