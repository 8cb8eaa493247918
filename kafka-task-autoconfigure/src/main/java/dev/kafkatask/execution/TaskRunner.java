package dev.kafkatask.execution;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.pinning.CarrierPinningDetector;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.task.TaskContext;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

/**
 * Runs decoded tasks, whichever backend they came from: finds the task, binds its arguments
 * ({@link #prepare}) and calls it on the calling thread ({@link #run}), counting the outcome
 * and attributing carrier pinning to it.
 *
 * @author kafka-task
 */
public class TaskRunner {

	private static final Log logger = LogFactory.getLog(TaskRunner.class);

	private final TaskRegistry registry;

	private final TaskInvoker invoker;

	private final TaskObserver observer;

	private volatile @Nullable CarrierPinningDetector pinningDetector;

	public TaskRunner(TaskRegistry registry, TaskInvoker invoker, TaskObserver observer) {
		this.registry = registry;
		this.invoker = invoker;
		this.observer = observer;
	}

	/**
	 * Set the detector that attributes carrier pinning to the tasks this runner runs.
	 * @param pinningDetector the detector, or {@code null} for none
	 */
	public void setPinningDetector(@Nullable CarrierPinningDetector pinningDetector) {
		this.pinningDetector = pinningDetector;
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
	 */
	public PreparedTask prepare(TaskEnvelope envelope, String queue, Backend backend) {
		TaskDefinition task = this.registry.find(envelope.task());
		if (task == null) {
			throw new UnknownTaskException(envelope.task());
		}
		TaskContext context = new TaskContext(envelope.id(), envelope.task(), queue, backend, envelope.retries(),
				envelope.created(), instant(envelope, "eta"), instant(envelope, "expires"), envelope.headers());
		return new PreparedTask(task, context, this.invoker.bind(task, envelope, context));
	}

	/**
	 * Run a prepared task on the calling thread. A task that throws is logged and counted,
	 * not rethrown (except virtual machine errors).
	 * @param prepared the task
	 */
	public void run(PreparedTask prepared) {
		TaskDefinition task = prepared.task();
		TaskContext context = prepared.context();
		long start = System.nanoTime();
		Thread thread = Thread.currentThread();
		CarrierPinningDetector detector = this.pinningDetector;
		if (detector != null) {
			detector.register(thread, task.name());
		}
		try {
			this.invoker.invoke(task, prepared.arguments());
			this.observer.handled(task.name(), context.queue(), TaskOutcome.SUCCESS,
					Duration.ofNanos(System.nanoTime() - start));
		}
		catch (Exception | Error ex) {
			Duration duration = Duration.ofNanos(System.nanoTime() - start);
			logger.error("Task '" + task.name() + "' [" + context.id() + "] failed after " + duration.toMillis() + " ms",
					ex);
			this.observer.handled(task.name(), context.queue(), TaskOutcome.FAILURE, duration);
			if (ex instanceof VirtualMachineError error) {
				throw error;
			}
		}
		finally {
			if (detector != null) {
				detector.unregister(thread);
			}
		}
	}

	private static @Nullable Instant instant(TaskEnvelope envelope, String option) {
		JsonNode value = envelope.options().get(option);
		if (value == null || value.isNull()) {
			return null;
		}
		try {
			return Instant.parse(value.asString());
		}
		catch (DateTimeParseException ex) {
			throw new InvalidEnvelopeException("Option '" + option + "' is not an ISO-8601 instant: " + value, ex);
		}
	}

}
