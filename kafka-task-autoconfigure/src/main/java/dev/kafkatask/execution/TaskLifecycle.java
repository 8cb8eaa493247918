package dev.kafkatask.execution;

import java.io.StringWriter;
import java.time.Clock;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.codec.TaskEnvelope;
import dev.kafkatask.monitor.TaskEvent;
import dev.kafkatask.monitor.TaskEventType;
import dev.kafkatask.monitor.TaskEvents;
import dev.kafkatask.routing.Backend;
import dev.kafkatask.routing.Route;

/**
 * Writes the lifecycle events of tasks: who saw what happen to which task, when, with the
 * result or the error cut to a length.
 *
 * @author kafka-task
 */
public final class TaskLifecycle {

	/**
	 * Writes no events.
	 */
	public static final TaskLifecycle NONE = new TaskLifecycle(TaskEvents.NONE, "none", 0, JsonMapper.shared(),
			Clock.systemUTC());

	private final TaskEvents events;

	private final String worker;

	private final int maxLength;

	private final JsonMapper mapper;

	private final Clock clock;

	private boolean arguments = true;

	/**
	 * Create the lifecycle.
	 * @param events where the events go
	 * @param worker the name of this instance in events, such as {@code pid@host}
	 * @param maxLength the longest result or error text an event carries
	 * @param mapper writes results as JSON
	 * @param clock the clock of events
	 */
	public TaskLifecycle(TaskEvents events, String worker, int maxLength, JsonMapper mapper, Clock clock) {
		this.events = events;
		this.worker = worker;
		this.maxLength = maxLength;
		this.mapper = mapper;
		this.clock = clock;
	}

	/**
	 * Return this process's name in events: {@code <pid>@<host>}.
	 * @return the name
	 */
	public static String localName() {
		String host;
		try {
			host = java.net.InetAddress.getLocalHost().getHostName();
		}
		catch (java.net.UnknownHostException ex) {
			host = "localhost";
		}
		return ProcessHandle.current().pid() + "@" + host;
	}

	/**
	 * Whether events are written at all.
	 * @return whether they are
	 */
	public boolean isEnabled() {
		return this.events != TaskEvents.NONE;
	}

	/**
	 * Publish an event of a task.
	 * @param type what happened
	 * @param envelope the task
	 * @param queue its queue
	 * @param backend its backend
	 * @param cluster the Kafka cluster of its queue ({@value Route#DEFAULT_CLUSTER} for the
	 * {@code spring.kafka.*} one and for RabbitMQ)
	 * @param attempt which run it is about (0 for a dispatch)
	 * @param result what it returned, or {@code null}
	 * @param error what went wrong, or {@code null}
	 * @param reason the dead-letter reason, or {@code null}
	 */
	public void publish(TaskEventType type, TaskEnvelope envelope, String queue, Backend backend, String cluster,
			int attempt, @Nullable Object result, @Nullable Throwable error, @Nullable String reason) {
		publish(type, envelope.id(), envelope.task(), queue, backend, cluster, attempt, result, error, reason);
	}

	/**
	 * Publish the event of a task the broker took, with its arguments.
	 * @param envelope the task
	 * @param queue its queue
	 * @param backend its backend
	 * @param cluster the Kafka cluster that took it, or {@code null} for RabbitMQ (then
	 * {@value Route#DEFAULT_CLUSTER}, where the events of RabbitMQ tasks live)
	 * @param arguments its {@link #arguments(TaskEnvelope) arguments}, or {@code null}
	 */
	public void dispatched(TaskEnvelope envelope, String queue, Backend backend, @Nullable String cluster,
			@Nullable String arguments) {
		publish(TaskEventType.DISPATCHED, envelope.id(), envelope.task(), queue, backend,
				(cluster != null) ? cluster : Route.DEFAULT_CLUSTER, 0, null, null, null, arguments);
	}

	/**
	 * Set whether dispatched events carry the task's arguments (by default they do).
	 * @param arguments whether they do
	 */
	public void setArguments(boolean arguments) {
		this.arguments = arguments;
	}

	/**
	 * Publish an event of a task known by its id and name only (a delayed record).
	 * @param type what happened
	 * @param taskId the task id
	 * @param task the task name
	 * @param queue its queue
	 * @param backend its backend
	 * @param cluster the Kafka cluster of its queue ({@value Route#DEFAULT_CLUSTER} for the
	 * {@code spring.kafka.*} one and for RabbitMQ)
	 * @param attempt which run it is about (0 when unknown or for a dispatch)
	 * @param result what it returned, or {@code null}
	 * @param error what went wrong, or {@code null}
	 * @param reason the dead-letter reason, or {@code null}
	 */
	public void publish(TaskEventType type, String taskId, String task, String queue, Backend backend,
			String cluster, int attempt, @Nullable Object result, @Nullable Throwable error,
			@Nullable String reason) {
		publish(type, taskId, task, queue, backend, cluster, attempt, result, error, reason, null);
	}

	private void publish(TaskEventType type, String taskId, String task, String queue, Backend backend,
			String cluster, int attempt, @Nullable Object result, @Nullable Throwable error, @Nullable String reason,
			@Nullable String arguments) {
		if (!isEnabled()) {
			return;
		}
		try {
			this.events.publish(new TaskEvent(taskId, type, task, queue, backend.name().toLowerCase(
					java.util.Locale.ROOT), cluster, this.worker, this.clock.instant(), attempt,
					(type == TaskEventType.SUCCEEDED) ? json(result) : null, describe(error), reason, arguments));
		}
		catch (RuntimeException ex) {
			// Events must never fail a task.
		}
	}

	/**
	 * Return a task's arguments as its dispatched event carries them: JSON,
	 * {@code {"args":[...],"kwargs":{...}}}, cut to the longest text of an event; or
	 * {@code null} when events, or their arguments, are off. Called on the dispatching
	 * thread, not on the producer's, which completes the dispatch.
	 * @param envelope the task
	 * @return the arguments, or {@code null}
	 */
	public @Nullable String arguments(TaskEnvelope envelope) {
		if (!isEnabled() || !this.arguments) {
			return null;
		}
		try {
			StringWriter arguments = new StringWriter(64);
			try (JsonGenerator json = this.mapper.createGenerator(arguments)) {
				json.writeStartObject();
				json.writeName("args");
				json.writeStartArray();
				envelope.args().forEach(json::writeTree);
				json.writeEndArray();
				json.writeName("kwargs");
				json.writeStartObject();
				envelope.kwargs().forEach((name, value) -> {
					json.writeName(name);
					json.writeTree(value);
				});
				json.writeEndObject();
				json.writeEndObject();
			}
			return cut(arguments.toString());
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	private @Nullable String json(@Nullable Object result) {
		if (result == null) {
			// what the mapper writes for it, without a serialization per task of every void task
			return "null";
		}
		String text;
		try {
			text = this.mapper.writeValueAsString(result);
		}
		catch (RuntimeException ex) {
			text = String.valueOf(result);
		}
		return cut(text);
	}

	private @Nullable String describe(@Nullable Throwable error) {
		if (error == null) {
			return null;
		}
		return cut(error.getClass().getName() + ((error.getMessage() != null) ? ": " + error.getMessage() : ""));
	}

	private String cut(String text) {
		return (text.length() > this.maxLength) ? text.substring(0, this.maxLength) + "…" : text;
	}

}
