package dev.kafkatask.dispatch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Decides which dispatch of a unique key is enqueued: for every claim of a key, every
 * dispatching instance decides the same way.
 *
 * @author kafka-task
 * @see TaskOptions#withUnique
 */
public interface UniquenessGuard {

	/**
	 * Claim a key for a task about to be dispatched.
	 * @param key the key and its window
	 * @param taskId the id of the task
	 * @param task its name
	 * @return the claim that holds the key: this one (its task id is {@code taskId}) when the
	 * task may be enqueued, another one when it must not
	 */
	CompletableFuture<UniqueClaim> claim(UniqueKey key, String taskId, String task);

	/**
	 * Give a key back early, because the task that holds it could not be enqueued after all.
	 * @param claim the claim this instance won
	 */
	void release(UniqueClaim claim);

	/**
	 * Return the longest window a key may be held for.
	 * @return the longest window
	 */
	Duration maxWindow();

}
