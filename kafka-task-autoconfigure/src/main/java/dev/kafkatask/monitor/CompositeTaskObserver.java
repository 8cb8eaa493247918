package dev.kafkatask.monitor;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.RouteDecision;

/**
 * Calls several {@link TaskObserver observers} in order, none of them able to fail the
 * others or what is being observed.
 *
 * @author kafka-task
 */
final class CompositeTaskObserver implements TaskObserver {

	private static final Log logger = LogFactory.getLog(CompositeTaskObserver.class);

	private final List<TaskObserver> observers;

	CompositeTaskObserver(List<TaskObserver> observers) {
		this.observers = List.copyOf(observers);
	}

	/**
	 * Tell each observer, in turn; one that throws is logged and the others are told all the
	 * same: an observer must never change what happens to a task.
	 */
	private void each(Consumer<TaskObserver> event) {
		for (TaskObserver observer : this.observers) {
			try {
				event.accept(observer);
			}
			catch (RuntimeException ex) {
				logger.warn("Task observer " + observer + " failed; ignored: " + ex);
			}
		}
	}

	@Override
	public void routed(String task, String queue, RouteDecision decision) {
		each((observer) -> observer.routed(task, queue, decision));
	}

	@Override
	public void dispatched(String task, String queue, Backend backend, @Nullable String cluster) {
		each((observer) -> observer.dispatched(task, queue, backend, cluster));
	}

	@Override
	public void dispatchFailed(String task, String queue, Backend backend, @Nullable String cluster,
			Throwable failure) {
		each((observer) -> observer.dispatchFailed(task, queue, backend, cluster, failure));
	}

	@Override
	public void rabbitPublished(String queue, String outcome) {
		each((observer) -> observer.rabbitPublished(queue, outcome));
	}

	@Override
	public void started(String task, String queue, Backend backend, Duration queueTime) {
		each((observer) -> observer.started(task, queue, backend, queueTime));
	}

	@Override
	public void handled(String task, String queue, Backend backend, TaskOutcome outcome, Duration duration) {
		each((observer) -> observer.handled(task, queue, backend, outcome, duration));
	}

	@Override
	public void deadLettered(String task, String queue, Backend backend, DeadLetterReason reason) {
		each((observer) -> observer.deadLettered(task, queue, backend, reason));
	}

	@Override
	public void deadLettered(String task, String queue, Backend backend, String cluster, DeadLetterReason reason) {
		each((observer) -> observer.deadLettered(task, queue, backend, cluster, reason));
	}

	@Override
	public void redriven(String queue, Backend backend, int redriven, int skipped) {
		each((observer) -> observer.redriven(queue, backend, redriven, skipped));
	}

	@Override
	public void redriven(String queue, Backend backend, String cluster, int redriven, int skipped) {
		each((observer) -> observer.redriven(queue, backend, cluster, redriven, skipped));
	}

	@Override
	public void deadLetterFailed(String queue, Backend backend, Throwable failure) {
		each((observer) -> observer.deadLetterFailed(queue, backend, failure));
	}

	@Override
	public void deadLetterFailed(String queue, Backend backend, String cluster, Throwable failure) {
		each((observer) -> observer.deadLetterFailed(queue, backend, cluster, failure));
	}

	@Override
	public void backgroundFailure(String thread, Throwable failure) {
		each((observer) -> observer.backgroundFailure(thread, failure));
	}

	@Override
	public void retryScheduled(String task, String queue, Backend backend) {
		each((observer) -> observer.retryScheduled(task, queue, backend));
	}

	@Override
	public void timeLimitReached(String task, String queue, Backend backend, boolean hard) {
		each((observer) -> observer.timeLimitReached(task, queue, backend, hard));
	}

	@Override
	public void carrierPinned(String task, Duration duration) {
		each((observer) -> observer.carrierPinned(task, duration));
	}

	@Override
	public void rebalanced(String group, String type, int partitions, Duration duration) {
		each((observer) -> observer.rebalanced(group, type, partitions, duration));
	}

	@Override
	public void rebalanced(String group, String cluster, String type, int partitions, Duration duration) {
		each((observer) -> observer.rebalanced(group, cluster, type, partitions, duration));
	}

	@Override
	public void scheduleFired(String schedule, String task, String outcome) {
		each((observer) -> observer.scheduleFired(schedule, task, outcome));
	}

}
