package dev.kafkatask.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Options of one dispatch. Each {@code with…} method returns a copy.
 *
 * @param queue the queue to publish to, or {@code null} for the task's own queue
 * @param taskId the task id to use, or {@code null} for a random one
 * @param key the partitioning key, or {@code null} to let the transport spread tasks
 * @param headers free-form headers that travel with the task
 * @param eta the earliest time the task should run (Celery's {@code eta}), or {@code null}
 * @param expires the time after which the task should not run (Celery's {@code expires}),
 * or {@code null}
 * @author kafka-task
 */
public record TaskOptions(@Nullable String queue, @Nullable String taskId, @Nullable String key,
		Map<String, String> headers, @Nullable Instant eta, @Nullable Instant expires) {

	private static final TaskOptions NONE = new TaskOptions(null, null, null, Map.of(), null, null);

	public TaskOptions {
		headers = Map.copyOf(headers);
	}

	/**
	 * Return options that set nothing.
	 * @return empty options
	 */
	public static TaskOptions none() {
		return NONE;
	}

	public TaskOptions withQueue(@Nullable String queue) {
		return new TaskOptions(queue, this.taskId, this.key, this.headers, this.eta, this.expires);
	}

	public TaskOptions withTaskId(@Nullable String taskId) {
		return new TaskOptions(this.queue, taskId, this.key, this.headers, this.eta, this.expires);
	}

	public TaskOptions withKey(@Nullable String key) {
		return new TaskOptions(this.queue, this.taskId, key, this.headers, this.eta, this.expires);
	}

	public TaskOptions withHeader(String name, String value) {
		Map<String, String> copy = new LinkedHashMap<>(this.headers);
		copy.put(name, value);
		return new TaskOptions(this.queue, this.taskId, this.key, copy, this.eta, this.expires);
	}

	public TaskOptions withEta(@Nullable Instant eta) {
		return new TaskOptions(this.queue, this.taskId, this.key, this.headers, eta, this.expires);
	}

	/**
	 * Return a copy whose eta is the given delay from now (Celery's {@code countdown}).
	 * @param countdown the delay
	 * @return the new options
	 */
	public TaskOptions withCountdown(Duration countdown) {
		return withEta(Instant.now().plus(countdown));
	}

	public TaskOptions withExpires(@Nullable Instant expires) {
		return new TaskOptions(this.queue, this.taskId, this.key, this.headers, this.eta, expires);
	}

}
