package dev.kafkatask.dispatch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A unique dispatch: claims its key, sends the task only if the claim holds the key, and
 * gives the key back if the send then fails.
 *
 * @author kafka-task
 */
final class UniqueDispatch {

	private static final Log logger = LogFactory.getLog(UniqueDispatch.class);

	private UniqueDispatch() {
	}

	/**
	 * Claim a key, then send the task if this dispatch holds it.
	 * @param guard decides who holds the key
	 * @param unique the key and its window
	 * @param task the task's name
	 * @param id the task's id
	 * @param send sends the task
	 * @return the future of the dispatch: failed with a {@link TaskAlreadyQueuedException}
	 * when another dispatch holds the key
	 */
	static CompletableFuture<DispatchReceipt> claimThenSend(UniquenessGuard guard, UniqueKey unique, String task,
			String id, Supplier<CompletableFuture<DispatchReceipt>> send) {
		CompletableFuture<DispatchReceipt> result = new CompletableFuture<>();
		guard.claim(unique, id, task).whenComplete((holder, claimFailure) -> {
			Throwable failure = (claimFailure instanceof CompletionException && claimFailure.getCause() != null)
					? claimFailure.getCause() : claimFailure;
			if (failure != null) {
				result.completeExceptionally((failure instanceof TimeoutException) ? new IllegalStateException("Task '"
						+ task + "' was not enqueued: its unique key '" + unique.key() + "' was not decided in time",
						failure) : failure);
			}
			else if (!holder.taskId().equals(id)) {
				// not a failure of the dispatch: what uniqueness is for
				logger.debug("Task '" + task + "' [" + id + "] not enqueued: key '" + unique.key() + "' is held by ["
						+ holder.taskId() + "]");
				result.completeExceptionally(new TaskAlreadyQueuedException(task, holder));
			}
			else {
				send.get().whenComplete((receipt, sendFailure) -> {
					if (sendFailure != null) {
						guard.release(holder);
						result.completeExceptionally(sendFailure);
					}
					else {
						result.complete(receipt);
					}
				});
			}
		});
		return result;
	}

}
