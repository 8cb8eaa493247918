package dev.kafkatask.monitor;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.Route;

/**
 * One event of a task's lifecycle.
 *
 * @param taskId the task id
 * @param type what happened
 * @param task the task name
 * @param queue the queue
 * @param backend the backend, {@code kafka} or {@code rabbitmq}
 * @param cluster the Kafka cluster the event belongs to, whose events topic it is written to:
 * the cluster of the task's queue, where it was dispatched to and runs
 * ({@value Route#DEFAULT_CLUSTER} for the {@code spring.kafka.*} one, and for every RabbitMQ
 * task, whose events live on that cluster)
 * @param worker who saw it happen: the dispatching or running instance ({@code pid@host})
 * @param at when it happened
 * @param attempt which run of the task it is about, from 1 (0 for a dispatch)
 * @param result what the task returned, as JSON text cut to the configured length, or
 * {@code null}
 * @param error what went wrong ({@code ExceptionClass: message}, cut likewise), or
 * {@code null}
 * @param reason the dead-letter reason, or {@code null}
 * @param arguments the task's arguments as JSON text, {@code {"args":[...],"kwargs":{...}}}, cut
 * to the configured length: in {@code dispatched} events only, else {@code null}
 * @author kafka-task
 */
public record TaskEvent(String taskId, TaskEventType type, String task, String queue, String backend,
		String cluster, String worker, Instant at, int attempt, @Nullable String result, @Nullable String error,
		@Nullable String reason, @Nullable String arguments) {

	/**
	 * Create an event of the default cluster ({@value Route#DEFAULT_CLUSTER}).
	 * @param taskId the task id
	 * @param type what happened
	 * @param task the task name
	 * @param queue the queue
	 * @param backend the backend
	 * @param worker who saw it happen
	 * @param at when it happened
	 * @param attempt which run of the task it is about
	 * @param result what the task returned, or {@code null}
	 * @param error what went wrong, or {@code null}
	 * @param reason the dead-letter reason, or {@code null}
	 * @param arguments the task's arguments as JSON text, or {@code null}
	 */
	public TaskEvent(String taskId, TaskEventType type, String task, String queue, String backend, String worker,
			Instant at, int attempt, @Nullable String result, @Nullable String error, @Nullable String reason,
			@Nullable String arguments) {
		this(taskId, type, task, queue, backend, Route.DEFAULT_CLUSTER, worker, at, attempt, result, error, reason,
				arguments);
	}

	/**
	 * Create an event of the default cluster ({@value Route#DEFAULT_CLUSTER}) without
	 * arguments.
	 * @param taskId the task id
	 * @param type what happened
	 * @param task the task name
	 * @param queue the queue
	 * @param backend the backend
	 * @param worker who saw it happen
	 * @param at when it happened
	 * @param attempt which run of the task it is about
	 * @param result what the task returned, or {@code null}
	 * @param error what went wrong, or {@code null}
	 * @param reason the dead-letter reason, or {@code null}
	 */
	public TaskEvent(String taskId, TaskEventType type, String task, String queue, String backend, String worker,
			Instant at, int attempt, @Nullable String result, @Nullable String error, @Nullable String reason) {
		this(taskId, type, task, queue, backend, worker, at, attempt, result, error, reason, null);
	}

}
