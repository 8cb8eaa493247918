package dev.kafkatask.dispatch;

import java.util.concurrent.CompletableFuture;

import dev.kafkatask.routing.Backend;

/**
 * Carries a task to one backend.
 *
 * @author kafka-task
 */
public interface TaskTransport {

	/**
	 * Return the backend this transport carries tasks to.
	 * @return the backend
	 */
	Backend backend();

	/**
	 * Send a task. The call must not wait for the broker: the returned future completes when
	 * the broker acknowledged the task, or exceptionally when it did not.
	 * @param task the task
	 * @return the receipt, once acknowledged
	 */
	CompletableFuture<DispatchReceipt> send(OutboundTask task);

}
