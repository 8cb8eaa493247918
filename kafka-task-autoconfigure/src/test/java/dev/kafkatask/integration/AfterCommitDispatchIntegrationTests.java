package dev.kafkatask.integration;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.kafkatask.dispatch.DispatchCancelledException;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.test.SharedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Dispatches that wait for their transaction's commit (Celery's {@code delay_on_commit}), on
 * the real broker, inside transactions of Spring's own transaction machinery: sent after the
 * commit, dropped on rollback (the future says so), sent at once outside a transaction.
 * One partition, so that a task dispatched afterwards running proves that a dropped one never
 * will.
 *
 * @author kafka-task
 */
@SharedKafkaBroker
class AfterCommitDispatchIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final TaskApplications apps = new TaskApplications();

	private final ResourcelessTransactionManager transactions = new ResourcelessTransactionManager();

	@Test
	void whenTheTransactionCommitsThenTheTaskIsSentAfterTheCommitAndRuns() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			AtomicReference<Boolean> doneInside = new AtomicReference<>();
			CompletableFuture<DispatchReceipt> dispatched = new TransactionTemplate(this.transactions)
				.execute((status) -> {
					CompletableFuture<DispatchReceipt> future = dispatcher.dispatch("it.count", List.of(1), Map.of(),
							TaskOptions.none().withAfterCommit(true).withTaskId("after-commit-1"));
					doneInside.set(future.isDone());
					return future;
				});
			assertThat(doneInside.get()).as("completed inside the transaction").isFalse();
			DispatchReceipt receipt = dispatched.get();
			assertThat(receipt.taskId()).isEqualTo("after-commit-1");
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:1") == 1);
		}
	}

	@Test
	void whenTheDispatchIsMadeAfterTheCommitOfItsTransactionThenItIsSentAllTheSame() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			AtomicReference<CompletableFuture<DispatchReceipt>> dispatched = new AtomicReference<>();
			// as from an @TransactionalEventListener(phase = AFTER_COMMIT): the transaction is
			// still active, but its afterCommit callbacks are being called
			new TransactionTemplate(this.transactions).executeWithoutResult(
					(status) -> TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

						@Override
						public void afterCommit() {
							dispatched.set(dispatcher.dispatch("it.count", List.of(8), Map.of(),
									TaskOptions.none().withAfterCommit(true)));
						}

					}));
			dispatched.get().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:8") == 1);
		}
	}

	@Test
	void whenTheTransactionRollsBackThenTheTaskIsDroppedAndTheFutureIsCancelled() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			AtomicReference<CompletableFuture<DispatchReceipt>> dropped = new AtomicReference<>();
			new TransactionTemplate(this.transactions).executeWithoutResult((status) -> {
				dropped.set(dispatcher.dispatch("it.count", List.of(2), Map.of(),
						TaskOptions.none().withAfterCommit(true)));
				status.setRollbackOnly();
			});
			assertThat(dropped.get()).isCancelled();
			assertThat(failure(dropped.get())).isInstanceOf(DispatchCancelledException.class)
				.hasMessageContaining("it.count")
				.hasMessageContaining("rolled back");
			dispatcher.dispatch("it.count", List.of(3), Map.of(), TaskOptions.none()).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:3") == 1);
			assertThat(this.apps.journal().runs("count:2")).as("the rolled-back dispatch").isZero();
		}
	}

	@Test
	void whenTheCommitFailsWithAnUnknownOutcomeThenTheTaskIsDropped() {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			AtomicReference<CompletableFuture<DispatchReceipt>> dropped = new AtomicReference<>();
			this.transactions.failCommit = true;
			assertThatExceptionOfType(TransactionSystemException.class)
				.isThrownBy(() -> new TransactionTemplate(this.transactions).executeWithoutResult((status) -> dropped
					.set(dispatcher.dispatch("it.count", List.of(4), Map.of(), TaskOptions.none().withAfterCommit(true)))));
			assertThat(dropped.get()).isCancelled();
			assertThat(failure(dropped.get())).isInstanceOf(DispatchCancelledException.class)
				.hasMessageContaining("unknown outcome");
		}
	}

	@Test
	void whenAfterCommitIsTheDefaultThenDispatchesInATransactionWaitUnlessTheirOptionsSayNot() throws Exception {
		try (ConfigurableApplicationContext app = this.apps.start("kafka-task.kafka.partitions=1",
				"kafka-task.dispatch.after-commit=true")) {
			TaskDispatcher dispatcher = app.getBean(TaskDispatcher.class);
			AtomicReference<CompletableFuture<DispatchReceipt>> waiting = new AtomicReference<>();
			AtomicReference<DispatchReceipt> sentAtOnce = new AtomicReference<>();
			new TransactionTemplate(this.transactions).executeWithoutResult((status) -> {
				waiting.set(dispatcher.dispatch("it.count", List.of(5), Map.of(), TaskOptions.none()));
				try {
					sentAtOnce.set(dispatcher
						.dispatch("it.count", List.of(6), Map.of(), TaskOptions.none().withAfterCommit(false))
						.get());
				}
				catch (InterruptedException | ExecutionException ex) {
					throw new IllegalStateException(ex);
				}
				assertThat(waiting.get()).isNotDone();
			});
			assertThat(sentAtOnce.get()).isNotNull();
			waiting.get().get();
			await().atMost(TIMEOUT)
				.until(() -> this.apps.journal().runs("count:5") == 1 && this.apps.journal().runs("count:6") == 1);
			// outside a transaction the default does not hold a dispatch back
			dispatcher.dispatch("it.count", List.of(7), Map.of(), TaskOptions.none()).get();
			await().atMost(TIMEOUT).until(() -> this.apps.journal().runs("count:7") == 1);
		}
	}

	/**
	 * Return what a future failed with, as a callback sees it ({@code join} and {@code get}
	 * throw a new {@code CancellationException} for a cancelled future).
	 */
	private static Throwable failure(CompletableFuture<?> future) {
		return future.handle((result, failure) -> failure).join();
	}

	/**
	 * A transaction manager of Spring's own machinery (begin, synchronizations, commit,
	 * rollback) over no resource, whose commit can be made to fail.
	 */
	static final class ResourcelessTransactionManager extends AbstractPlatformTransactionManager {

		volatile boolean failCommit;

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
			if (this.failCommit) {
				throw new TransactionSystemException("The commit's outcome is unknown");
			}
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}

	}

}
