package dev.kafkatask.dispatch;

import java.util.concurrent.CompletableFuture;

/**
 * Carries a task to a broker.
 *
 * @author kafka-task
 */
@FunctionalInterface
public interface TaskTransport {

	/**
	 * Send a task. The call must not wait for the broker: the returned future completes when
	 * the broker acknowledged the task, or exceptionally when it did not.
	 * @param task the task
	 * @return the receipt, once acknowledged
	 */
	CompletableFuture<DispatchReceipt> send(OutboundTask task);

}
