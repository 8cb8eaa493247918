package dev.kafkatask.execution;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.monitor.TaskEventType;

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

	/**
	 * The task, once decoded: its settlement is a lifecycle event of it.
	 */
	volatile @Nullable TaskEnvelope envelope;

	volatile @Nullable Object result;

	volatile @Nullable Throwable error;

	volatile @Nullable String reason;

	/**
	 * Set when the outcome does not say which event it is (a task abandoned at its hard
	 * limit and retried).
	 */
	volatile @Nullable TaskEventType event;

	private final TaskLifecycle lifecycle;

	Settlement(TaskDelivery delivery, DeliveryHandler.Settled settled, TaskObserver observer,
			TaskLifecycle lifecycle) {
		this.delivery = delivery;
		this.settled = settled;
		this.observer = observer;
		this.lifecycle = lifecycle;
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
				publish(outcome);
			}
			finally {
				this.settled.settled(outcome == TaskOutcome.ABANDONED);
			}
		}
	}

	private void publish(TaskOutcome outcome) {
		TaskEnvelope task = this.envelope;
		TaskEventType type = (this.event != null) ? this.event : switch (outcome) {
			case SUCCESS -> TaskEventType.SUCCEEDED;
			case FAILURE, ABANDONED -> TaskEventType.FAILED;
			case RETRY -> TaskEventType.RETRIED;
			case EXPIRED -> TaskEventType.EXPIRED;
			case DEAD_LETTERED -> TaskEventType.DEAD_LETTERED;
			case DEFERRED -> TaskEventType.RECEIVED;
			case REVOKED -> TaskEventType.REVOKED;
			case REJECTED, DUPLICATE -> null;
		};
		if (task != null && type != null) {
			this.lifecycle.publish(type, task, this.delivery.queue(), this.delivery.backend(), this.delivery.cluster(),
					task.retries() + 1, this.result, this.error, this.reason);
		}
	}

}
