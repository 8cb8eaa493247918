package dev.kafkatask.dispatch;

import java.util.concurrent.CancellationException;

/**
 * The failure of a dispatch that waited for its transaction's commit and was dropped
 * because the transaction rolled back, or ended with an unknown outcome: the task was not
 * sent. Its future {@linkplain java.util.concurrent.CompletableFuture#isCancelled() is
 * cancelled}.
 *
 * @author kafka-task
 */
public class DispatchCancelledException extends CancellationException {

	public DispatchCancelledException(String message) {
		super(message);
	}

}
