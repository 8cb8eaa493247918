package dev.kafkatask.dispatch;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

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

	/**
	 * Say why the backend cannot take tasks now, if it cannot: a dispatch to it then fails
	 * at once, or goes elsewhere, rather than waiting for a broker that is down.
	 * @return the reason, or {@code null} when the backend is available
	 */
	default @Nullable String unavailableReason() {
		return null;
	}

}
