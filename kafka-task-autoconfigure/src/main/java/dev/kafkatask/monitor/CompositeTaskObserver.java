package dev.kafkatask.monitor;

import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

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
	public void dispatched(String task, String queue) {
		this.observers.forEach((observer) -> observer.dispatched(task, queue));
	}

	@Override
	public void dispatchFailed(String task, String queue, Throwable failure) {
		this.observers.forEach((observer) -> observer.dispatchFailed(task, queue, failure));
	}

	@Override
	public void handled(String task, String queue, TaskOutcome outcome, Duration duration) {
		this.observers.forEach((observer) -> observer.handled(task, queue, outcome, duration));
	}

	@Override
	public void workerStarted(String group, String queue, IntSupplier inFlight) {
		this.observers.forEach((observer) -> observer.workerStarted(group, queue, inFlight));
	}

	@Override
	public void carrierPinned(String task, Duration duration) {
		this.observers.forEach((observer) -> observer.carrierPinned(task, duration));
	}

}
