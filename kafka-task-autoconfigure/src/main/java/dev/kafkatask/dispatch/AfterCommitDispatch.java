package dev.kafkatask.dispatch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Holds a dispatch made inside a Spring-managed transaction until the transaction ends:
 * sends it once the transaction committed, drops it if it rolled back (its future then fails
 * with a {@link DispatchCancelledException}). Celery's {@code delay_on_commit}, with the
 * outcome in the future rather than lost.
 *
 * @author kafka-task
 */
final class AfterCommitDispatch implements TransactionSynchronization {

	private static final Log logger = LogFactory.getLog(AfterCommitDispatch.class);

	private final String task;

	private final String id;

	private final Supplier<CompletableFuture<DispatchReceipt>> dispatch;

	private final CompletableFuture<DispatchReceipt> result = new CompletableFuture<>();

	private final AtomicBoolean sent = new AtomicBoolean();

	private AfterCommitDispatch(String task, String id, Supplier<CompletableFuture<DispatchReceipt>> dispatch) {
		this.task = task;
		this.id = id;
		this.dispatch = dispatch;
	}

	/**
	 * Return whether a transaction that can hold a dispatch is active on this thread: an
	 * actual transaction with synchronization, as Spring's transactional event listeners need.
	 * @return whether {@link #defer} would hold the dispatch
	 */
	static boolean isTransactionActive() {
		return TransactionSynchronizationManager.isSynchronizationActive()
				&& TransactionSynchronizationManager.isActualTransactionActive();
	}

	/**
	 * Hold a dispatch until the current transaction ends.
	 * @param task the task's name
	 * @param id the task's id
	 * @param dispatch sends the task, once the transaction committed
	 * @return the future of the dispatch: completed by the send after the commit, or failed
	 * with a {@link DispatchCancelledException} when the transaction does not commit
	 */
	static CompletableFuture<DispatchReceipt> defer(String task, String id,
			Supplier<CompletableFuture<DispatchReceipt>> dispatch) {
		AfterCommitDispatch held = new AfterCommitDispatch(task, id, dispatch);
		TransactionSynchronizationManager.registerSynchronization(held);
		return held.result;
	}

	@Override
	public void afterCommit() {
		send();
	}

	private void send() {
		if (!this.sent.compareAndSet(false, true)) {
			return;
		}
		CompletableFuture<DispatchReceipt> sending;
		try {
			sending = this.dispatch.get();
		}
		catch (RuntimeException ex) {
			this.result.completeExceptionally(ex);
			return;
		}
		sending.whenComplete((receipt, failure) -> {
			if (failure != null) {
				this.result.completeExceptionally(failure);
			}
			else {
				this.result.complete(receipt);
			}
		});
	}

	@Override
	public void afterCompletion(int status) {
		if (status == STATUS_COMMITTED) {
			// a dispatch made in another synchronization's afterCommit was registered too late
			// for that phase: it is sent now
			send();
			return;
		}
		String outcome = (status == STATUS_ROLLED_BACK) ? "rolled back" : "ended with an unknown outcome";
		logger.debug("Task '" + this.task + "' [" + this.id + "] not dispatched: its transaction " + outcome);
		this.result.completeExceptionally(new DispatchCancelledException("Task '" + this.task + "' [" + this.id
				+ "] was not dispatched: the transaction it waited for " + outcome));
	}

}
