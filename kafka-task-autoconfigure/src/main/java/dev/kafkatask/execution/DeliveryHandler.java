package dev.kafkatask.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.monitor.DeadLetterReason;
import dev.kafkatask.monitor.Revocation;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
import dev.kafkatask.options.TaskOption;
import dev.kafkatask.routing.Backend;

/**
 * Takes each task record or message, of either backend, to exactly one recorded outcome:
 * it ran ({@code success} or {@code failure}), it was retried (a copy acknowledged by the
 * broker), deferred (not due yet: a copy waits), expired, dead-lettered with a
 * {@link DeadLetterReason reason}, or abandoned at its hard time limit (then retried or
 * dead-lettered {@code time-limit}). Whatever throws on the way (decoding, binding, the
 * task, the reply, the retry) ends here too: a failure of kafka-task itself is dead-lettered
 * {@code processing-error}, never left open.
 * <p>
 * A delivery is settled once its outcome's writes were acknowledged; only then is the
 * backend told ({@code onSettled}), to commit the record or acknowledge the message. A dead
 * letter that cannot be written is tried again, backing off, for as long as it takes:
 * nothing is dropped, the delivery waits, and {@link #pendingDeadLetters()} says so for
 * health.
 *
 * @author kafka-task
 */
public class DeliveryHandler {

	/**
	 * Task tag of deliveries that name no registered task.
	 */
	public static final String UNKNOWN_TASK = "unknown";

	/**
	 * How long a task may wait for its eta or rate-limit slot on its own thread; a longer
	 * wait is deferred, so that no thread (nor RabbitMQ consumer) is held by a task that is
	 * not due.
	 */
	public static final Duration WAIT_IN_PLACE = Duration.ofSeconds(1);

	private static final Log logger = LogFactory.getLog(DeliveryHandler.class);

	private static final Duration MAX_DELAY = Duration.ofSeconds((long) TaskOption.MAX_SECONDS);

	private final TaskRunner runner;

	private final TaskObserver observer;

	private final Clock clock;

	private final DeadLetterWriter deadLetters;

	private TaskContinuation continuation = TaskContinuation.NONE;

	private @Nullable FinishedTasks finished;

	private @Nullable RevokedTasks revoked;

	private TaskLifecycle lifecycle = TaskLifecycle.NONE;

	/**
	 * The tasks running now, by delivery.
	 */
	private final Map<Settlement, Running> running = new ConcurrentHashMap<>();

	public DeliveryHandler(TaskRunner runner, TaskObserver observer, Clock clock) {
		this.runner = runner;
		this.observer = observer;
		this.clock = clock;
		this.deadLetters = new DeadLetterWriter(observer, clock);
	}

	/**
	 * Set how long to wait before writing a failed dead letter again: the initial wait,
	 * doubled after each failure up to the maximum.
	 * @param initialBackoff the first wait
	 * @param maxBackoff the longest wait
	 */
	public void setDeadLetterBackoff(Duration initialBackoff, Duration maxBackoff) {
		this.deadLetters.setBackoff(initialBackoff, maxBackoff);
	}

	/**
	 * Set what follows a task that carries more work (a chain, links, a chord): checked
	 * before the task runs, done after it before its delivery is settled.
	 * @param continuation the continuation, {@link TaskContinuation#NONE} by default
	 */
	public void setContinuation(TaskContinuation continuation) {
		this.continuation = continuation;
	}

	/**
	 * Set where the ids of tracked tasks that succeeded are kept: a copy of one is skipped.
	 * @param finished the ids, or {@code null} to run every copy
	 */
	public void setFinishedTasks(@Nullable FinishedTasks finished) {
		this.finished = finished;
	}

	/**
	 * Set where revocations are read: a revoked task is not run, and one revoked with
	 * {@code terminate} while it runs here is interrupted.
	 * @param revoked the revocations, or {@code null} to run every task
	 */
	public void setRevokedTasks(@Nullable RevokedTasks revoked) {
		this.revoked = revoked;
		if (revoked != null) {
			revoked.onTerminate(this::terminate);
		}
	}

	/**
	 * Terminate the runs of a revoked task on this instance, if any.
	 * @param revocation the revocation
	 * @return how many runs were told to end
	 */
	int terminate(Revocation revocation) {
		int terminated = 0;
		for (Running run : this.running.values()) {
			if (run.taskId().equals(revocation.taskId())) {
				logger.warn("Task '" + run.task() + "' [" + run.taskId() + "] is revoked by " + revocation.by()
						+ ": terminating it");
				run.termination().terminate();
				terminated++;
			}
		}
		return terminated;
	}

	/**
	 * Set where the lifecycle events of tasks go.
	 * @param lifecycle the lifecycle, {@link TaskLifecycle#NONE} by default
	 */
	public void setLifecycle(TaskLifecycle lifecycle) {
		this.lifecycle = lifecycle;
	}

	/**
	 * Return the tasks running now on this instance, longest running first.
	 * @return the tasks
	 */
	public List<RunningTask> running() {
		return this.running.entrySet()
			.stream()
			.map((entry) -> entry.getValue().describe(entry.getKey().delivery))
			.sorted(java.util.Comparator.comparing(RunningTask::started))
			.toList();
	}

	/**
	 * Take a delivery to its outcome, on the calling thread. Returns once the delivery is
	 * settled, or, for a task abandoned at its hard time limit, when its stuck thread
	 * returns (the delivery was settled then, from another thread).
	 * @param delivery the delivery
	 * @param onSettled called exactly once, when the delivery is settled: possibly from
	 * another thread, and possibly before the task's thread returns
	 * @throws InterruptedException if interrupted before the delivery was settled: it must
	 * then be neither committed nor acknowledged, so that it runs again
	 */
	public void handle(TaskDelivery delivery, Settled onSettled) throws InterruptedException {
		try {
			process(new Settlement(delivery, onSettled, this.observer, this.lifecycle));
		}
		catch (DeliveryLostException ex) {
			logger.warn(ex.getMessage());
		}
	}

	private void process(Settlement settlement) throws InterruptedException {
		TaskDelivery delivery = settlement.delivery;
		TaskEnvelope envelope = null;
		PreparedTask prepared = null;
		try {
			envelope = delivery.decode();
			settlement.task = this.runner.isRegistered(envelope.task()) ? envelope.task() : UNKNOWN_TASK;
			settlement.envelope = envelope;
			delivery.check(envelope);
			if (isDuplicate(envelope)) {
				logger.info("Task '" + envelope.task() + "' [" + envelope.id() + "] of " + delivery.describe()
						+ " is not run: a task of this id already succeeded");
				settlement.settle(TaskOutcome.DUPLICATE, Duration.ZERO);
				return;
			}
			// Read (waiting, the first time, for the revocations to be read) before its eta or
			// rate-limit slot is waited for, so that the first wait does not shift it; checked
			// again as it starts.
			revocation(envelope);
			prepared = this.runner.prepare(envelope, delivery.queue(), delivery.backend());
			this.continuation.check(prepared.envelope());
			delivery.release();
			if (awaitDue(prepared, settlement)) {
				run(prepared, settlement);
			}
		}
		catch (InvalidEnvelopeException ex) {
			refuse(settlement, DeadLetterReason.INVALID_ENVELOPE, ex);
		}
		catch (UnknownTaskException ex) {
			refuseFailed(settlement, envelope, DeadLetterReason.UNKNOWN_TASK, ex);
		}
		catch (ArgumentBindingException ex) {
			refuseFailed(settlement, envelope, DeadLetterReason.INVALID_ARGUMENTS, ex);
		}
		catch (ForbiddenDestinationException ex) {
			refuse(settlement, DeadLetterReason.FORBIDDEN_DESTINATION, ex);
		}
		catch (RedeliveredTooOftenException ex) {
			refuseFailed(settlement, envelope, DeadLetterReason.MAX_DELIVERIES, ex);
		}
		catch (TaskExpiredException ex) {
			logger.info(ex.getMessage());
			notRun(settlement, envelope, ex, TaskOutcome.EXPIRED, Duration.ZERO);
		}
		catch (InterruptedException | DeliveryLostException ex) {
			throw ex;
		}
		catch (Throwable ex) {
			if (settlement.isSettled()) {
				logger.error("Failure after " + delivery.describe() + " was settled", ex);
				return;
			}
			// kafka-task itself failed: the delivery is dead-lettered, never left open.
			logger.error("Failure handling " + delivery.describe() + "; it is dead-lettered", ex);
			TaskEnvelope ran = (prepared != null) ? prepared.envelope() : null;
			deadLetter(settlement, new TaskDelivery.DeadLetter(DeadLetterReason.PROCESSING_ERROR, ex, ran,
					(envelope != null) ? envelope.retries() : 0));
			settlement.settle(TaskOutcome.DEAD_LETTERED, Duration.ZERO);
		}
	}

	/**
	 * Settle a task that does not run (expired, revoked) after what follows its failure
	 * (error links, its chord's count): {@code continuation-failed} if that cannot be
	 * dispatched.
	 */
	private void notRun(Settlement settlement, @Nullable TaskEnvelope envelope, RuntimeException why,
			TaskOutcome outcome, Duration duration) throws InterruptedException {
		Exception failed = (envelope != null) ? continueAfter(envelope, () -> this.continuation.failed(envelope, why))
				: null;
		if (envelope != null && failed != null) {
			deadLetter(settlement, new TaskDelivery.DeadLetter(DeadLetterReason.CONTINUATION_FAILED, failed, envelope,
					envelope.retries()));
			settlement.settle(TaskOutcome.DEAD_LETTERED, duration);
			return;
		}
		settlement.settle(outcome, duration);
	}

	private @Nullable Revocation revocation(TaskEnvelope envelope) throws InterruptedException {
		RevokedTasks revokedTasks = this.revoked;
		return (revokedTasks != null) ? revokedTasks.revoked(envelope.id()) : null;
	}

	private boolean isDuplicate(TaskEnvelope envelope) throws InterruptedException {
		FinishedTasks finishedTasks = this.finished;
		return finishedTasks != null && FinishedTasks.isTracked(envelope) && finishedTasks.hasSucceeded(envelope.id());
	}

	/**
	 * Wait on this thread for a task that is due within {@link #WAIT_IN_PLACE} (its eta, its
	 * rate-limit slot), or defer one that is due later.
	 * @return whether the task is to run now ({@code false}: it was deferred)
	 */
	private boolean awaitDue(PreparedTask prepared, Settlement settlement) throws Exception {
		Instant eta = prepared.context().eta();
		if (eta != null) {
			Duration untilDue = Duration.between(this.clock.instant(), eta);
			if (untilDue.compareTo(WAIT_IN_PLACE) > 0) {
				defer(prepared.envelope(), eta, settlement, "not due until " + eta);
				return false;
			}
			if (untilDue.isPositive()) {
				Thread.sleep(untilDue);
			}
		}
		Duration rateWait = this.runner.reserveRate(prepared);
		if (rateWait.compareTo(WAIT_IN_PLACE) > 0) {
			// Over its rate limit: it waits for its slot as a delayed copy, not on a thread, and
			// comes back a little early to wait out the rest of it here, on time.
			Instant slot = this.clock.instant().plus(rateWait);
			TaskEnvelope reserved = prepared.envelope()
				.withHeader(TaskRunner.RATE_SLOT_RESERVED, Long.toString(slot.toEpochMilli()));
			defer(reserved, slot.minus(WAIT_IN_PLACE), settlement, "over its rate limit until " + slot);
			return false;
		}
		if (rateWait.isPositive()) {
			Thread.sleep(rateWait);
		}
		return true;
	}

	private void defer(TaskEnvelope envelope, Instant due, Settlement settlement, String why) throws Exception {
		Exception failure = publishLater(settlement, envelope, due);
		if (failure != null) {
			deadLetter(settlement, new TaskDelivery.DeadLetter(DeadLetterReason.DELAY_FAILED, failure, envelope,
					envelope.retries()));
			settlement.settle(TaskOutcome.DEAD_LETTERED, Duration.ZERO);
			return;
		}
		logger.debug("Task '" + envelope.task() + "' [" + envelope.id() + "] deferred: " + why);
		settlement.settle(TaskOutcome.DEFERRED, Duration.ZERO);
	}

	private void run(PreparedTask prepared, Settlement settlement) throws Exception {
		TaskEnvelope started = prepared.envelope();
		Termination termination = new Termination();
		this.running.put(settlement, new Running(started.id(), started.task(), this.clock.instant(),
				started.retries() + 1, termination));
		RunResult result;
		try {
			// Checked once it is in the running tasks: a revocation read from now on finds it there.
			Revocation revocation = revocation(started);
			if (revocation != null) {
				logger.info("Task '" + started.task() + "' [" + started.id() + "] of " + settlement.delivery.describe()
						+ " is not run: revoked by " + revocation.by() + " at " + revocation.at());
				TaskRevokedException revoked = new TaskRevokedException(started.task(), started.id(), null);
				settlement.error = revoked;
				reply(settlement, started, new RunResult(RunResult.Status.FAILED, revoked, null, null, Duration.ZERO));
				notRun(settlement, started, revoked, TaskOutcome.REVOKED, Duration.ZERO);
				return;
			}
			this.lifecycle.publish(TaskEventType.STARTED, started, settlement.delivery.queue(),
					settlement.delivery.backend(), settlement.delivery.cluster(), started.retries() + 1, null, null,
					null);
			result = this.runner.run(prepared, () -> Thread.ofVirtual()
				.name("kafka-task-abandon-" + prepared.context().id())
				.start(() -> abandoned(prepared, settlement)), termination);
		}
		finally {
			this.running.remove(settlement);
		}
		settlement.result = result.value();
		settlement.error = result.failure();
		if (result.status() == RunResult.Status.ABANDONED) {
			// settled at its hard limit, from another thread
			return;
		}
		TaskEnvelope envelope = prepared.envelope();
		reply(settlement, envelope, result);
		int attempts = envelope.retries() + 1;
		switch (result.status()) {
			case SUCCEEDED -> {
				Exception failed = continueAfter(envelope, () -> this.continuation.succeeded(envelope, result.value()));
				if (failed != null) {
					deadLetter(settlement, new TaskDelivery.DeadLetter(DeadLetterReason.CONTINUATION_FAILED, failed,
							envelope, attempts));
					settlement.settle(TaskOutcome.DEAD_LETTERED, result.duration());
					return;
				}
				FinishedTasks finishedTasks = this.finished;
				if (finishedTasks != null && FinishedTasks.isTracked(envelope)) {
					finishedTasks.succeeded(envelope.id(), envelope.task());
				}
				settlement.settle(TaskOutcome.SUCCESS, result.duration());
			}
			case RETRY -> retry(prepared, result, settlement, TaskOutcome.RETRY, result.duration());
			case TERMINATED -> {
				TaskRevokedException revoked = new TaskRevokedException(envelope.task(), envelope.id(), result.failure());
				settlement.error = revoked;
				notRun(settlement, envelope, revoked, TaskOutcome.REVOKED, result.duration());
			}
			case RETRIES_EXHAUSTED -> {
				deadLetter(settlement, afterFailure(envelope, failure(result), DeadLetterReason.MAX_RETRIES_EXCEEDED,
						attempts));
				settlement.settle(TaskOutcome.FAILURE, result.duration());
			}
			default -> {
				Exception failed = continueAfter(envelope, () -> this.continuation.failed(envelope, failure(result)));
				if (failed != null) {
					deadLetter(settlement, new TaskDelivery.DeadLetter(DeadLetterReason.CONTINUATION_FAILED, failed,
							envelope, attempts));
				}
				settlement.settle(TaskOutcome.FAILURE, result.duration());
			}
		}
	}

	/**
	 * Go on after a task that failed for good and is dead-lettered for the given reason: the
	 * dead letter says {@code continuation-failed} instead if what was to follow the failure
	 * (error links, its chord's count) could not be dispatched.
	 */
	private TaskDelivery.DeadLetter afterFailure(TaskEnvelope envelope, Throwable failure, DeadLetterReason reason,
			int attempts) throws InterruptedException {
		Exception failed = continueAfter(envelope, () -> this.continuation.failed(envelope, failure));
		if (failed != null) {
			failed.addSuppressed(failure);
			return new TaskDelivery.DeadLetter(DeadLetterReason.CONTINUATION_FAILED, failed, envelope, attempts);
		}
		return new TaskDelivery.DeadLetter(reason, failure, envelope, attempts);
	}

	/**
	 * Do what follows a task, and say what failed, if anything did.
	 */
	private static @Nullable Exception continueAfter(TaskEnvelope envelope, Step step) throws InterruptedException {
		try {
			step.run();
			return null;
		}
		catch (InterruptedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			logger.error("Task '" + envelope.task() + "' [" + envelope.id()
					+ "] finished, but what follows it could not be dispatched; it is dead-lettered: " + ex);
			return ex;
		}
	}

	/**
	 * Settle a task abandoned at its hard time limit, on a thread of its own while the stuck
	 * one goes on: retried if its policy says so, else dead-lettered {@code time-limit}.
	 */
	private void abandoned(PreparedTask prepared, Settlement settlement) {
		try {
			RunResult decision = this.runner.afterTimeLimit(prepared);
			this.running.remove(settlement);
			settlement.error = decision.failure();
			if (decision.status() == RunResult.Status.RETRY) {
				settlement.event = TaskEventType.RETRIED;
				retry(prepared, decision, settlement, TaskOutcome.ABANDONED, decision.duration());
			}
			else {
				reply(settlement, prepared.envelope(), decision);
				deadLetter(settlement, afterFailure(prepared.envelope(), failure(decision), DeadLetterReason.TIME_LIMIT,
						prepared.envelope().retries() + 1));
				settlement.settle(TaskOutcome.ABANDONED, decision.duration());
			}
		}
		catch (InterruptedException ex) {
			// Nothing interrupts this thread but the end of the JVM: the record runs again.
			logger.warn("Interrupted while settling abandoned " + settlement.delivery.describe()
					+ "; it stays unsettled and runs again");
		}
		catch (DeliveryLostException ex) {
			logger.warn(ex.getMessage());
		}
		catch (Throwable ex) {
			logger.error("Failure settling abandoned " + settlement.delivery.describe(), ex);
			try {
				deadLetter(settlement, new TaskDelivery.DeadLetter(DeadLetterReason.PROCESSING_ERROR, ex,
						prepared.envelope(), prepared.envelope().retries() + 1));
				settlement.settle(TaskOutcome.ABANDONED, Duration.ZERO);
			}
			catch (InterruptedException interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Write the retry of a failed run: due after the policy's delay, with one more retry
	 * counted. A retry that cannot be written is dead-lettered {@code delay-failed}.
	 */
	private void retry(PreparedTask prepared, RunResult result, Settlement settlement, TaskOutcome outcome,
			Duration duration) throws InterruptedException {
		TaskEnvelope envelope = prepared.envelope();
		Duration retryIn = (result.retryIn() != null) ? result.retryIn() : Duration.ZERO;
		Instant due = this.clock.instant().plus((retryIn.compareTo(MAX_DELAY) > 0) ? MAX_DELAY : retryIn);
		// A retry takes a rate-limit slot of its own: the one its run had is used up.
		TaskEnvelope retried = envelope.withoutHeader(TaskRunner.RATE_SLOT_RESERVED).withRetries(envelope.retries() + 1);
		Exception failure = publishLater(settlement, retried, due);
		if (failure != null) {
			failure.addSuppressed(failure(result));
			deadLetter(settlement, new TaskDelivery.DeadLetter(DeadLetterReason.DELAY_FAILED, failure, envelope,
					envelope.retries() + 1));
			settlement.settle((outcome == TaskOutcome.RETRY) ? TaskOutcome.FAILURE : outcome, duration);
			return;
		}
		this.observer.retryScheduled(settlement.task, settlement.delivery.queue(), settlement.delivery.backend());
		settlement.settle(outcome, duration);
	}

	private static @Nullable Exception publishLater(Settlement settlement, TaskEnvelope envelope, Instant due)
			throws InterruptedException {
		try {
			settlement.delivery.publishLater(envelope, due);
			return null;
		}
		catch (InterruptedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			logger.error("Could not write task '" + envelope.task() + "' [" + envelope.id() + "] of "
					+ settlement.delivery.describe() + " to run at " + due + ": " + ex);
			return ex;
		}
	}

	/**
	 * Send the result of a run if the dispatch asked for it. A result that cannot be sent is
	 * logged: the task ran, and running it again would not bring its result back.
	 */
	private static void reply(Settlement settlement, TaskEnvelope envelope, RunResult result)
			throws InterruptedException {
		if (result.status() == RunResult.Status.RETRY) {
			return;
		}
		try {
			settlement.delivery.reply(envelope, result);
		}
		catch (InterruptedException ex) {
			throw ex;
		}
		catch (Exception ex) {
			logger.error("Could not send the result of task '" + envelope.task() + "' [" + envelope.id()
					+ "]; whoever waits for it will time out: " + ex);
		}
	}

	/**
	 * Dead-letter a task that cannot run (no such task, arguments that do not fit), after
	 * what follows its failure (error links, its chord's count): for a canvas it failed.
	 */
	private void refuseFailed(Settlement settlement, @Nullable TaskEnvelope envelope, DeadLetterReason reason,
			RuntimeException cause) throws InterruptedException {
		if (envelope != null) {
			try {
				this.continuation.check(envelope);
				continueAfter(envelope, () -> this.continuation.failed(envelope, cause));
			}
			catch (RuntimeException ex) {
				logger.warn("Task '" + envelope.task() + "' [" + envelope.id()
						+ "] cannot run, and what follows its failure cannot be dispatched: " + ex.getMessage());
			}
		}
		refuse(settlement, reason, cause);
	}

	/**
	 * Dead-letter a delivery that cannot run, and settle it.
	 */
	private void refuse(Settlement settlement, DeadLetterReason reason, RuntimeException cause)
			throws InterruptedException {
		deadLetter(settlement, new TaskDelivery.DeadLetter(reason, cause, null, 0));
		settlement.settle(TaskOutcome.DEAD_LETTERED, Duration.ZERO);
	}

	/**
	 * Write a dead letter, for as long as it takes (see {@link DeadLetterWriter}).
	 */
	private void deadLetter(Settlement settlement, TaskDelivery.DeadLetter letter) throws InterruptedException {
		settlement.reason = letter.reason().code();
		settlement.error = letter.cause();
		this.deadLetters.write(settlement.delivery, settlement.task, letter);
	}

	private static Throwable failure(RunResult result) {
		return (result.failure() != null) ? result.failure() : new IllegalStateException(result.status().name());
	}

	/**
	 * Return the dead letters that could not be written yet: their deliveries wait, and are
	 * tried again.
	 * @return the pending dead letters
	 */
	public List<PendingDeadLetter> pendingDeadLetters() {
		return this.deadLetters.pending();
	}

	/**
	 * Return the pending dead letters of one backend.
	 * @param backend the backend
	 * @return its pending dead letters
	 */
	public List<PendingDeadLetter> pendingDeadLetters(Backend backend) {
		return this.deadLetters.pending().stream().filter((pending) -> pending.backend() == backend).toList();
	}

	/**
	 * A task running now.
	 *
	 * @param taskId its id
	 * @param task its name
	 * @param delivery where it came from, such as {@code tasks.default-2@17}
	 * @param started when it started
	 * @param attempt which run of it this is, from 1
	 */
	public record RunningTask(String taskId, String task, String delivery, Instant started, int attempt) {
	}

	/**
	 * A task running now, as kept while it runs: where it came from is described only when
	 * asked.
	 */
	private record Running(String taskId, String task, Instant started, int attempt, Termination termination) {

		RunningTask describe(TaskDelivery delivery) {
			return new RunningTask(this.taskId, this.task, delivery.describe(), this.started, this.attempt);
		}

	}

	/**
	 * A step that follows a task.
	 */
	@FunctionalInterface
	private interface Step {

		void run() throws Exception;

	}

	/**
	 * Told once when a delivery is settled.
	 */
	@FunctionalInterface
	public interface Settled {

		/**
		 * The delivery is settled: commit it, or acknowledge it.
		 * @param abandoned whether it was settled while its task's thread still ran, stuck
		 * past its hard time limit
		 */
		void settled(boolean abandoned);

	}

}
