package dev.kafkatask.kafka.listener;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

import dev.kafkatask.codec.EnvelopeCodec;
import dev.kafkatask.codec.InvalidEnvelopeException;
import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.execution.ArgumentBindingException;
import dev.kafkatask.execution.TaskInvoker;
import dev.kafkatask.execution.pinning.CarrierPinningDetector;
import dev.kafkatask.kafka.TaskTopics;
import dev.kafkatask.monitor.TaskObserver;
import dev.kafkatask.monitor.TaskOutcome;
import dev.kafkatask.task.TaskDefinition;
import dev.kafkatask.task.TaskRegistry;

/**
 * Handles one task record on the calling thread: decodes the envelope, finds the task, binds
 * its arguments and runs it. A record that cannot run goes to the dead-letter topic; a task
 * that throws is logged with its name and id and counted.
 *
 * @author kafka-task
 */
public class TaskRecordHandler {

	/**
	 * Task tag of records that name no registered task.
	 */
	public static final String UNKNOWN_TASK = "unknown";

	private static final Log logger = LogFactory.getLog(TaskRecordHandler.class);

	private static final long MAX_DEAD_LETTER_BACKOFF_MILLIS = 10_000;

	private final EnvelopeCodec codec;

	private final TaskRegistry registry;

	private final TaskInvoker invoker;

	private final DeadLetterPublisher deadLetters;

	private final TaskTopics topics;

	private final TaskObserver observer;

	private volatile @Nullable CarrierPinningDetector pinningDetector;

	public TaskRecordHandler(EnvelopeCodec codec, TaskRegistry registry, TaskInvoker invoker,
			DeadLetterPublisher deadLetters, TaskTopics topics, TaskObserver observer) {
		this.codec = codec;
		this.registry = registry;
		this.invoker = invoker;
		this.deadLetters = deadLetters;
		this.topics = topics;
		this.observer = observer;
	}

	/**
	 * Set the detector that attributes carrier pinning to the tasks this handler runs.
	 * @param pinningDetector the detector, or {@code null} for none
	 */
	public void setPinningDetector(@Nullable CarrierPinningDetector pinningDetector) {
		this.pinningDetector = pinningDetector;
	}

	/**
	 * Handle a record. Returns once the record is done with: its task ran (successfully or
	 * not), or it was written to the dead-letter topic.
	 * @param record the record
	 * @throws InterruptedException if interrupted before the record was done with; the record
	 * must then not be counted as finished
	 */
	public void handle(ConsumerRecord<String, byte[]> record) throws InterruptedException {
		PreparedTask task = prepare(record);
		if (task != null) {
			run(task);
		}
	}

	/**
	 * Decode a record, find its task and bind its arguments, so that the record itself is no
	 * longer needed while the task runs. A record that cannot run is dead-lettered before this
	 * returns.
	 * @param record the record
	 * @return the task to {@link #run}, or {@code null} if the record was dead-lettered
	 * @throws InterruptedException if interrupted before a dead letter was acknowledged; the
	 * record must then not be counted as finished
	 */
	public @Nullable PreparedTask prepare(ConsumerRecord<String, byte[]> record) throws InterruptedException {
		String queue = queue(record.topic());
		TaskEnvelope envelope;
		try {
			envelope = this.codec.decode((record.value() != null) ? record.value() : new byte[0]);
		}
		catch (InvalidEnvelopeException ex) {
			deadLetter(record, queue, UNKNOWN_TASK, "invalid-envelope", ex);
			return null;
		}
		TaskDefinition task = this.registry.find(envelope.task());
		if (task == null) {
			deadLetter(record, queue, UNKNOWN_TASK, "unknown-task", new UnknownTaskException(envelope.task()));
			return null;
		}
		Object[] arguments;
		try {
			arguments = this.invoker.bind(task, envelope);
		}
		catch (ArgumentBindingException ex) {
			deadLetter(record, queue, task.name(), "invalid-arguments", ex);
			return null;
		}
		return new PreparedTask(task, envelope.id(), queue, arguments);
	}

	/**
	 * Run a prepared task on the calling thread. A task that throws is logged and counted,
	 * not rethrown (except virtual machine errors).
	 * @param prepared the task
	 */
	public void run(PreparedTask prepared) {
		TaskDefinition task = prepared.task();
		long start = System.nanoTime();
		Thread thread = Thread.currentThread();
		CarrierPinningDetector detector = this.pinningDetector;
		if (detector != null) {
			detector.register(thread, task.name());
		}
		try {
			this.invoker.invoke(task, prepared.arguments());
			this.observer.handled(task.name(), prepared.queue(), TaskOutcome.SUCCESS,
					Duration.ofNanos(System.nanoTime() - start));
		}
		catch (Exception | Error ex) {
			Duration duration = Duration.ofNanos(System.nanoTime() - start);
			logger.error("Task '" + task.name() + "' [" + prepared.id() + "] failed after " + duration.toMillis()
					+ " ms", ex);
			this.observer.handled(task.name(), prepared.queue(), TaskOutcome.FAILURE, duration);
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

	private void deadLetter(ConsumerRecord<String, byte[]> record, String queue, String task, String reason,
			RuntimeException cause) throws InterruptedException {
		long backoff = 100;
		CompletableFuture<?> sent = null;
		while (true) {
			try {
				if (sent == null) {
					sent = this.deadLetters.publish(record, reason, cause);
				}
				// A slow acknowledgement is waited for, never answered with a second copy.
				sent.get(30, TimeUnit.SECONDS);
				break;
			}
			catch (TimeoutException ex) {
				logger.warn("Dead letter of record " + position(record) + " not acknowledged yet; still waiting");
			}
			catch (ExecutionException | RuntimeException ex) {
				// Nothing is lost: the record stays unfinished, so its offset is not committed,
				// until the dead-letter topic takes it.
				Throwable failure = (ex instanceof ExecutionException) ? ex.getCause() : ex;
				logger.error("Could not dead-letter record " + position(record) + " to "
						+ this.topics.deadLetterTopic(record.topic()) + "; retrying in " + backoff + " ms: " + failure);
				sent = null;
				Thread.sleep(backoff);
				backoff = Math.min(backoff * 2, MAX_DEAD_LETTER_BACKOFF_MILLIS);
			}
		}
		logger.warn("Record " + position(record) + " sent to " + this.topics.deadLetterTopic(record.topic()) + " ("
				+ reason + "): " + cause.getMessage());
		this.observer.handled(task, queue, TaskOutcome.DEAD_LETTERED, Duration.ZERO);
	}

	private String queue(String topic) {
		String queue = this.topics.queue(topic);
		return (queue != null) ? queue : topic;
	}

	private static String position(ConsumerRecord<?, ?> record) {
		return record.topic() + "-" + record.partition() + "@" + record.offset();
	}

	/**
	 * A task ready to run: what a record asked for, without the record.
	 *
	 * @param task the task
	 * @param id the task id
	 * @param queue the queue it came from
	 * @param arguments the bound method arguments
	 */
	public record PreparedTask(TaskDefinition task, String id, String queue, Object[] arguments) {
	}

}
