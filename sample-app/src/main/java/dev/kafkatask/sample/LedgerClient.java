package dev.kafkatask.sample;

import java.util.concurrent.CompletableFuture;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.task.KafkaTask;

/**
 * A typed client of the ledger task: calling {@link #record} dispatches task
 * {@code ledger.record} to queue {@code ledger}, where {@link LedgerTasks} runs it.
 *
 * @author kafka-task
 */
public interface LedgerClient {

	@KafkaTask(name = "ledger.record", queue = "ledger")
	CompletableFuture<DispatchReceipt> record(String account, long amountCents);

	/**
	 * The task side of the ledger.
	 */
	interface Bookkeeping {

		@KafkaTask(name = "ledger.record", queue = "ledger")
		void record(String account, long amountCents);

	}

}
