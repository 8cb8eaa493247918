package dev.kafkatask.task;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.routing.Backend;

/**
 * What a running task knows about its own dispatch, like Celery's {@code self.request}. A
 * task method receives it by declaring a parameter of this type; it is never bound from the
 * task's arguments.
 *
 * @param id the task id
 * @param task the task name
 * @param queue the queue it came from
 * @param backend the backend it arrived from
 * @param retries how many times it was retried before this run
 * @param created when it was dispatched
 * @param eta the earliest time it was to run, or {@code null}
 * @param expires the time after which it was not to run, or {@code null}
 * @param headers the free-form headers that travelled with it
 * @author kafka-task
 */
public record TaskContext(String id, String task, String queue, Backend backend, int retries, Instant created,
		@Nullable Instant eta, @Nullable Instant expires, Map<String, String> headers) {

	public TaskContext {
		headers = Map.copyOf(headers);
	}

}
