package dev.kafkatask.monitor;

import java.time.Duration;
import java.util.List;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.RouteDecision;

/**
 * Calls several {@link TaskObserver observers} in order.
 *
 * @author kafka-task
 */
final class CompositeTaskObserver implements TaskObserver {

	private final List<TaskObserver> observers;

	CompositeTaskObserver(List<TaskObserver> observers) {
		this.observers = List.copyOf(observers);
	}

	@Override
	public void routed(String task, String queue, RouteDecision decision) {
		this.observers.forEach((observer) -> observer.routed(task, queue, decision));
	}

	@Override
	public void dispatched(String task, String queue, Backend backend) {
		this.observers.forEach((observer) -> observer.dispatched(task, queue, backend));
	}

	@Override
	public void dispatchFailed(String task, String queue, Backend backend, Throwable failure) {
		this.observers.forEach((observer) -> observer.dispatchFailed(task, queue, backend, failure));
	}

	@Override
	public void rabbitPublished(String queue, String outcome) {
		this.observers.forEach((observer) -> observer.rabbitPublished(queue, outcome));
	}

	@Override
	public void started(String task, String queue, Backend backend, Duration queueTime) {
		this.observers.forEach((observer) -> observer.started(task, queue, backend, queueTime));
	}

	@Override
	public void handled(String task, String queue, Backend backend, TaskOutcome outcome, Duration duration) {
		this.observers.forEach((observer) -> observer.handled(task, queue, backend, outcome, duration));
	}

	@Override
	public void deadLettered(String task, String queue, Backend backend, DeadLetterReason reason) {
		this.observers.forEach((observer) -> observer.deadLettered(task, queue, backend, reason));
	}

	@Override
	public void deadLetterFailed(String queue, Backend backend, Throwable failure) {
		this.observers.forEach((observer) -> observer.deadLetterFailed(queue, backend, failure));
	}

	@Override
	public void backgroundFailure(String thread, Throwable failure) {
		this.observers.forEach((observer) -> observer.backgroundFailure(thread, failure));
	}

	@Override
	public void retryScheduled(String task, String queue, Backend backend) {
		this.observers.forEach((observer) -> observer.retryScheduled(task, queue, backend));
	}

	@Override
	public void timeLimitReached(String task, String queue, Backend backend, boolean hard) {
		this.observers.forEach((observer) -> observer.timeLimitReached(task, queue, backend, hard));
	}

	@Override
	public void carrierPinned(String task, Duration duration) {
		this.observers.forEach((observer) -> observer.carrierPinned(task, duration));
	}

	@Override
	public void rebalanced(String group, String type, int partitions, Duration duration) {
		this.observers.forEach((observer) -> observer.rebalanced(group, type, partitions, duration));
	}

}
