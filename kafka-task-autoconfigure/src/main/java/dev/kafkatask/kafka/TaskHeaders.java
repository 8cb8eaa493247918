package dev.kafkatask.kafka;

/**
 * Names of the Kafka record headers kafka-task writes.
 *
 * @author kafka-task
 */
public final class TaskHeaders {

	/**
	 * Task id of a task record.
	 */
	public static final String TASK_ID = "kafka-task-id";

	/**
	 * Task name of a task record.
	 */
	public static final String TASK_NAME = "kafka-task-name";

	/**
	 * Why a record was dead-lettered: {@code invalid-envelope}, {@code unknown-task} or
	 * {@code invalid-arguments}.
	 */
	public static final String DLT_REASON = "kafka-task-dlt-reason";

	/**
	 * Human-readable detail of why a record was dead-lettered.
	 */
	public static final String DLT_MESSAGE = "kafka-task-dlt-message";

	/**
	 * Class of the exception that dead-lettered a record.
	 */
	public static final String DLT_EXCEPTION = "kafka-task-dlt-exception";

	/**
	 * Topic a dead-lettered record was read from.
	 */
	public static final String DLT_ORIGINAL_TOPIC = "kafka-task-dlt-original-topic";

	/**
	 * Partition a dead-lettered record was read from.
	 */
	public static final String DLT_ORIGINAL_PARTITION = "kafka-task-dlt-original-partition";

	/**
	 * Offset of a dead-lettered record.
	 */
	public static final String DLT_ORIGINAL_OFFSET = "kafka-task-dlt-original-offset";

	/**
	 * Timestamp (epoch milliseconds) of a dead-lettered record.
	 */
	public static final String DLT_ORIGINAL_TIMESTAMP = "kafka-task-dlt-original-timestamp";

	private TaskHeaders() {
	}

	/**
	 * Attempts a task made before it was dead-lettered (its first run and its retries).
	 */
	public static final String DLT_ATTEMPTS = "kafka-task-dlt-attempts";

	/**
	 * The first frames of the stack of the last failure of a dead-lettered task.
	 */
	public static final String DLT_STACK = "kafka-task-dlt-stack";

	/**
	 * When a dead-lettered task was first dispatched, ISO-8601.
	 */
	public static final String DLT_CREATED = "kafka-task-dlt-created";

	/**
	 * Header of a dead letter written without its payload, which was too large to be written
	 * again: the payload's size in bytes. The payload stays in the original topic.
	 */
	public static final String DLT_PAYLOAD_OMITTED = "kafka-task-dlt-payload-omitted";

	/**
	 * How many times a task was redriven from its dead-letter topic, on the redriven record
	 * and in its envelope's headers (so that it stays with the task if it is dead-lettered
	 * again).
	 */
	public static final String REDRIVE_COUNT = "kafka-task-redrive-count";

}
