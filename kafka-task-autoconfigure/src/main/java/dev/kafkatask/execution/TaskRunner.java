package dev.kafkatask.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;

import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.pinning.CarrierPinningDetector;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.observation.DefaultTaskExecutionObservationConvention;
import dev.kafkatask.observation.TaskExecutionObservationConvention;
import dev.kafkatask.observation.TaskObservation;
import dev.kafkatask.observation.TaskReceiverContext;
import dev.kafkatask.options.TaskOption;
import dev.kafkatask.options.TaskOptionResolver;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.task.TaskContext;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;
import dev.kafkatask.task.TaskRetry;
import dev.kafkatask.task.TaskTimeLimitExceeded;

/**
 * Runs decoded tasks, whichever backend they came from: finds the task, binds its arguments
 * ({@link #prepare}) and calls it on the calling thread ({@link #run}), counting the outcome
 * and attributing carrier pinning to it.
 * <p>
 * With an {@link #setObservationRegistry ObservationRegistry}, each run is observed as
 * {@link TaskObservation#EXECUTION}, in scope on the task's thread, continuing the trace
 * whose context came in the task's headers.
 *
 * @author kafka-task
 */
public class TaskRunner {

	private static final Log logger = LogFactory.getLog(TaskRunner.class);

	private final TaskRegistry registry;

	private final TaskInvoker invoker;

	private final TaskObserver observer;

	private final TaskOptionResolver options;

	private final Clock clock;

	private volatile @Nullable CarrierPinningDetector pinningDetector;

	private ObservationRegistry observationRegistry = ObservationRegistry.NOOP;

	private @Nullable TaskExecutionObservationConvention observationConvention;

	private final Map<String, RetryPolicy> retryPolicies = new ConcurrentHashMap<>();

	private final TimeLimits timeLimits = new TimeLimits();

	private final Map<String, List<String>> expectedFailures = new ConcurrentHashMap<>();

	private final Map<String, Optional<RateLimiter>> rateLimiters = new ConcurrentHashMap<>();

	/**
	 * Key of the task id in the logging MDC while a task runs.
	 */
	public static final String MDC_TASK_ID = "taskId";

	/**
	 * Key of the task name (its Celery {@code shadow}, if it has one) in the logging MDC while
	 * a task runs.
	 */
	public static final String MDC_TASK_NAME = "taskName";

	/**
	 * Header of a task re-delivered after waiting for its rate-limit slot: the slot's time,
	 * epoch milliseconds; the slot is its own already.
	 */
	public static final String RATE_SLOT_RESERVED = "kafka-task-rate-slot";

	/**
	 * Furthest ahead a reserved rate-limit slot may lie: a header claiming more is not one
	 * this worker wrote.
	 */
	private static final Duration RATE_SLOT_HORIZON = Duration.ofDays(1);

	public TaskRunner(TaskRegistry registry, TaskInvoker invoker, TaskObserver observer, TaskOptionResolver options,
			Clock clock) {
		this.registry = registry;
		this.invoker = invoker;
		this.observer = observer;
		this.options = options;
		this.clock = clock;
	}

	/**
	 * Set the detector that attributes carrier pinning to the tasks this runner runs.
	 * @param pinningDetector the detector, or {@code null} for none
	 */
	public void setPinningDetector(@Nullable CarrierPinningDetector pinningDetector) {
		this.pinningDetector = pinningDetector;
	}

	/**
	 * Set the registry that observes runs; a propagating tracing handler in it continues
	 * the trace whose context came in the task's headers.
	 * @param observationRegistry the registry, {@link ObservationRegistry#NOOP} by default
	 */
	public void setObservationRegistry(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Set the convention of execution observations.
	 * @param observationConvention the convention, or {@code null} for the default one
	 */
	public void setObservationConvention(@Nullable TaskExecutionObservationConvention observationConvention) {
		this.observationConvention = observationConvention;
	}

	/**
	 * Find the task of an envelope and bind its arguments.
	 * @param envelope the envelope
	 * @param queue the queue it came from
	 * @param backend the backend it came from
	 * @return the task, ready to run
	 * @throws UnknownTaskException if no such task is registered here
	 * @throws ArgumentBindingException if the arguments do not bind
	 * @throws InvalidEnvelopeException if an option the context needs is malformed
	 * @throws TaskExpiredException if the task's {@code expires} time has passed
	 */
	public PreparedTask prepare(TaskEnvelope envelope, String queue, Backend backend) {
		TaskDefinition task = this.registry.find(envelope.task());
		if (task == null) {
			throw new UnknownTaskException(envelope.task());
		}
		TaskContext context = new TaskContext(envelope.id(), envelope.task(), queue, backend, envelope.retries(),
				envelope.created(), instant(envelope, TaskOption.ETA, TaskOption.COUNTDOWN),
				instant(envelope, TaskOption.EXPIRES, TaskOption.EXPIRES), envelope.headers());
		if (context.expires() != null && !this.clock.instant().isBefore(context.expires())) {
			throw new TaskExpiredException(task.name(), context.id(), context.expires());
		}
		Map<TaskOption, JsonNode> options = this.options.taskOptions(task.name());
		JsonNode shadow = envelope.options().get(TaskOption.SHADOW.celeryName());
		String logName = (shadow != null && shadow.isString()) ? printable(shadow.asString()) : task.name();
		RetryPolicy retryPolicy = this.retryPolicies.computeIfAbsent(task.name(), (name) -> RetryPolicy.of(options));
		List<String> expected = this.expectedFailures.computeIfAbsent(task.name(),
				(name) -> names(options.get(TaskOption.THROWS)));
		return new PreparedTask(task, context, this.invoker.bind(task, envelope, context), logName, expected,
				envelope, retryPolicy,
				limit(envelope, options, TaskOption.SOFT_TIME_LIMIT), limit(envelope, options, TaskOption.TIME_LIMIT));
	}

	/**
	 * Whether a task of the given name is registered in this application.
	 * @param task the task name
	 * @return whether it is
	 */
	public boolean isRegistered(String task) {
		return this.registry.find(task) != null;
	}

	/**
	 * Reserve a run of a task under its {@code rate_limit}.
	 * @param prepared the task
	 * @return how long until its slot, zero when it may run now (or has no limit); for a
	 * task that reserved its slot before, how long until that slot
	 */
	public Duration reserveRate(PreparedTask prepared) {
		String reserved = prepared.envelope().headers().get(RATE_SLOT_RESERVED);
		if (reserved != null) {
			try {
				long until = Math.subtractExact(Long.parseLong(reserved), this.clock.millis());
				return Duration.ofMillis(Math.clamp(until, 0, RATE_SLOT_HORIZON.toMillis()));
			}
			catch (NumberFormatException | ArithmeticException ex) {
				// not a slot this worker reserved: it takes one like any other run
			}
		}
		Optional<RateLimiter> limiter = this.rateLimiters.computeIfAbsent(prepared.task().name(), (name) -> {
			JsonNode rate = this.options.taskOptions(name).get(TaskOption.RATE_LIMIT);
			if (rate == null) {
				return Optional.empty();
			}
			return Optional.of(rate.isNumber() ? RateLimiter.perSecond(rate.asDouble()) : RateLimiter.of(rate.asString()));
		});
		return limiter.map(RateLimiter::reserve).orElse(Duration.ZERO);
	}

	/**
	 * Run a prepared task on the calling thread. A task that throws is logged, not rethrown,
	 * whatever it threw; the result says whether to retry it. Nothing is counted but the
	 * start: the caller records the outcome once the task's record is settled.
	 * @param prepared the task
	 * @return how the run ended
	 */
	public RunResult run(PreparedTask prepared) {
		return run(prepared, () -> {
		});
	}

	/**
	 * Run a prepared task on the calling thread, enforcing its time limits: at the hard limit
	 * {@code onAbandoned} is called (from another thread) so that the caller can settle the
	 * task's record at once (see {@link #afterTimeLimit}); the run then ends with
	 * {@link RunResult.Status#ABANDONED} whenever the stuck thread returns.
	 * @param prepared the task
	 * @param onAbandoned settles the task's record if it is abandoned
	 * @return how the run ended
	 */
	public RunResult run(PreparedTask prepared, Runnable onAbandoned) {
		return run(prepared, onAbandoned, null);
	}

	/**
	 * Run a prepared task as {@link #run(PreparedTask, Runnable)} does, and let it be
	 * terminated: a run that throws once terminated ends with
	 * {@link RunResult.Status#TERMINATED}.
	 * @param prepared the task
	 * @param onAbandoned settles the task's record if it is abandoned
	 * @param termination terminates the run when asked, or {@code null}
	 * @return how the run ended
	 */
	RunResult run(PreparedTask prepared, Runnable onAbandoned, @Nullable Termination termination) {
		TaskDefinition task = prepared.task();
		TaskContext context = prepared.context();
		this.observer.started(task.name(), context.queue(), context.backend(), queueTime(context));
		long start = System.nanoTime();
		Thread thread = Thread.currentThread();
		TimeLimits.Guard guard = this.timeLimits.watch(thread, prepared.logName(), context.id(),
				prepared.softTimeLimit(), prepared.timeLimit(),
				() -> this.observer.timeLimitReached(task.name(), context.queue(), context.backend(), false), () -> {
					this.observer.timeLimitReached(task.name(), context.queue(), context.backend(), true);
					onAbandoned.run();
				}, termination != null);
		if (termination != null) {
			termination.attach(guard, thread);
		}
		@Nullable Object[] returned = new Object[1];
		Throwable failure;
		boolean abandoned;
		try {
			failure = invoke(prepared, thread, returned);
		}
		finally {
			// Whatever happened, no timer of this run may fire after it.
			abandoned = guard.end();
		}
		Duration duration = Duration.ofNanos(System.nanoTime() - start);
		if (abandoned) {
			// Settled at its hard limit: what it did since counts for nothing.
			return new RunResult(RunResult.Status.ABANDONED, failure, null, null, duration);
		}
		if (failure == null) {
			return RunResult.succeeded(returned[0], duration);
		}
		if (termination != null && guard.wasTerminated()) {
			logger.warn("Task '" + prepared.logName() + "' [" + context.id() + "] was terminated after "
					+ duration.toMillis() + " ms: " + failure);
			return new RunResult(RunResult.Status.TERMINATED, failure, null, null, duration);
		}
		return failed(prepared, failure, duration);
	}

	/**
	 * Decide what becomes of a task abandoned at its hard time limit: retried, if its retry
	 * policy retries {@link TaskTimeLimitExceeded} and it has retries left, else failed.
	 * @param prepared the task
	 * @return {@link RunResult.Status#RETRY} or {@link RunResult.Status#FAILED}, with the
	 * {@link TaskTimeLimitExceeded} as failure
	 */
	public RunResult afterTimeLimit(PreparedTask prepared) {
		Duration limit = (prepared.timeLimit() != null) ? prepared.timeLimit() : Duration.ZERO;
		TaskTimeLimitExceeded exceeded = new TaskTimeLimitExceeded(prepared.logName(), prepared.context().id(), limit);
		RetryPolicy policy = prepared.retryPolicy();
		if (policy.retries(exceeded) && prepared.context().retries() < policy.maxRetries()) {
			return new RunResult(RunResult.Status.RETRY, exceeded, policy.delay(prepared.context().retries(), exceeded),
					null, limit);
		}
		return new RunResult(RunResult.Status.FAILED, exceeded, null, null, limit);
	}

	private @Nullable Throwable invoke(PreparedTask prepared, Thread thread, @Nullable Object[] returned) {
		CarrierPinningDetector detector = this.pinningDetector;
		if (detector != null) {
			detector.register(thread, prepared.task().name());
		}
		Observation observation = startObservation(prepared.context());
		Observation.Scope scope = observation.isNoop() ? null : observation.openScope();
		MDC.put(MDC_TASK_ID, prepared.context().id());
		MDC.put(MDC_TASK_NAME, prepared.logName());
		try {
			returned[0] = this.invoker.invoke(prepared.task(), prepared.arguments());
			return null;
		}
		catch (Throwable ex) {
			// Whatever the task threw is its own failure, a StackOverflowError too.
			observation.error(ex);
			return ex;
		}
		finally {
			MDC.remove(MDC_TASK_ID);
			MDC.remove(MDC_TASK_NAME);
			if (scope != null) {
				scope.close();
			}
			observation.stop();
			if (detector != null) {
				detector.unregister(thread);
			}
		}
	}

	private Observation startObservation(TaskContext context) {
		ObservationRegistry registry = this.observationRegistry;
		if (registry.isNoop()) {
			return Observation.NOOP;
		}
		return TaskObservation.EXECUTION.start(this.observationConvention,
				DefaultTaskExecutionObservationConvention.INSTANCE, () -> new TaskReceiverContext(context), registry);
	}

	private RunResult failed(PreparedTask prepared, Throwable ex, Duration duration) {
		TaskContext context = prepared.context();
		String failed = "Task '" + prepared.logName() + "' [" + context.id() + "] failed after " + duration.toMillis()
				+ " ms";
		RetryPolicy policy = prepared.retryPolicy();
		if (!(ex instanceof VirtualMachineError) && policy.retries(ex)) {
			Throwable cause = (ex instanceof TaskRetry && ex.getCause() != null) ? ex.getCause() : ex;
			if (context.retries() < policy.maxRetries()) {
				Duration retryIn = policy.delay(context.retries(), ex);
				logger.warn(failed + "; retry " + (context.retries() + 1) + " of " + policy.maxRetries() + " in "
						+ retryIn.toMillis() + " ms: " + cause);
				return new RunResult(RunResult.Status.RETRY, cause, retryIn, null, duration);
			}
			logger.error(failed + " after " + context.retries() + " retries, its last", cause);
			return new RunResult(RunResult.Status.RETRIES_EXHAUSTED, cause, null, null, duration);
		}
		if (prepared.expects(ex)) {
			// Celery's 'throws': an expected error, reported without its stack trace.
			logger.warn(failed + ": " + ex);
		}
		else {
			logger.error(failed, ex);
		}
		return new RunResult(RunResult.Status.FAILED, ex, null, null, duration);
	}

	private static @Nullable Duration limit(TaskEnvelope envelope, Map<TaskOption, JsonNode> options,
			TaskOption option) {
		JsonNode value = envelope.options().get(option.celeryName());
		if (value == null || value.isNull()) {
			value = options.get(option);
		}
		return (value != null && value.isNumber() && value.asDouble() > 0)
				? Duration.ofMillis(Math.round(value.asDouble() * 1000)) : null;
	}

	/**
	 * Return how long a task waited to start: since its eta when it had one (a countdown,
	 * a retry, a rate-limit slot), else since its dispatch.
	 */
	private Duration queueTime(TaskContext context) {
		Instant since = (context.eta() != null && context.eta().isAfter(context.created())) ? context.eta()
				: context.created();
		return Duration.between(since, this.clock.instant());
	}

	/**
	 * Return a name a sender chose (Celery's {@code shadow}) fit for logs: no line breaks or
	 * other control characters that could forge log lines.
	 */
	private static String printable(String name) {
		StringBuilder printable = new StringBuilder(name.length());
		name.codePoints().forEach((c) -> printable.appendCodePoint(Character.isISOControl(c) ? '?' : c));
		return printable.toString();
	}

	private static List<String> names(@Nullable JsonNode names) {
		List<String> list = new ArrayList<>();
		if (names != null) {
			names.forEach((name) -> list.add(name.asString()));
		}
		return List.copyOf(list);
	}

	/**
	 * Return the instant an option names: an ISO-8601 instant, or a number of seconds after
	 * the task's dispatch (a {@code countdown} that came as such, an {@code expires} in
	 * seconds).
	 */
	private static @Nullable Instant instant(TaskEnvelope envelope, TaskOption option, TaskOption relative) {
		JsonNode value = envelope.options().get(option.celeryName());
		if (value == null || value.isNull()) {
			value = envelope.options().get(relative.celeryName());
			if (value == null || value.isNull()) {
				return null;
			}
		}
		if (value.isNumber()) {
			return envelope.created().plusMillis(Math.round(value.asDouble() * 1000));
		}
		Instant instant = value.isString() ? TaskOption.instant(value.asString()) : null;
		if (instant == null) {
			throw new InvalidEnvelopeException("Option '" + option + "' is not an ISO-8601 instant: " + value);
		}
		return instant;
	}

}
